"""pandera models of the canonical tables: what every source must hand the warehouse."""

from schemas import approvals, fda_sites, manufacturing_sites, organisations, registries, trials
from schemas.approvals import ApplicationNotGranted, Approval, RegulatoryRecord
from schemas.fda_sites import ComplianceAction, Establishment
from schemas.manufacturing_sites import CuratedManufacturingSite, ManufacturingSiteSeed
from schemas.organisations import Organisation, OrganisationAlias
from schemas.registries import EuctrMemberState, IctrpRecord, TrialAtimpFlags
from schemas.trials import (
    Trial,
    TrialCondition,
    TrialId,
    TrialIntervention,
    TrialSite,
    TrialSponsor,
)

TABLE_MODELS = {
    **trials.TABLE_MODELS,
    **registries.TABLE_MODELS,
    **approvals.TABLE_MODELS,
    **organisations.TABLE_MODELS,
    **manufacturing_sites.TABLE_MODELS,
    **fda_sites.TABLE_MODELS,
}
TABLE_KEYS = {
    **trials.TABLE_KEYS,
    **registries.TABLE_KEYS,
    **approvals.TABLE_KEYS,
    **organisations.TABLE_KEYS,
    **manufacturing_sites.TABLE_KEYS,
    **fda_sites.TABLE_KEYS,
}

__all__ = [
    "ApplicationNotGranted",
    "ComplianceAction",
    "Establishment",
    "Approval",
    "CuratedManufacturingSite",
    "RegulatoryRecord",
    "TABLE_KEYS",
    "TABLE_MODELS",
    "EuctrMemberState",
    "IctrpRecord",
    "ManufacturingSiteSeed",
    "Organisation",
    "OrganisationAlias",
    "Trial",
    "TrialAtimpFlags",
    "TrialCondition",
    "TrialId",
    "TrialIntervention",
    "TrialSite",
    "TrialSponsor",
]
