"""pandera models of the canonical tables: what every source must hand the warehouse."""

from schemas import approvals, trials
from schemas.approvals import ApplicationNotGranted, Approval, RegulatoryRecord
from schemas.trials import (
    Trial,
    TrialCondition,
    TrialId,
    TrialIntervention,
    TrialSite,
    TrialSponsor,
)

TABLE_MODELS = {**trials.TABLE_MODELS, **approvals.TABLE_MODELS}
TABLE_KEYS = {**trials.TABLE_KEYS, **approvals.TABLE_KEYS}

__all__ = [
    "ApplicationNotGranted",
    "Approval",
    "RegulatoryRecord",
    "TABLE_KEYS",
    "TABLE_MODELS",
    "Trial",
    "TrialCondition",
    "TrialId",
    "TrialIntervention",
    "TrialSite",
    "TrialSponsor",
]
