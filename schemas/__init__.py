"""pandera models of the canonical tables: what every source must hand the warehouse."""

from schemas.trials import (
    TABLE_KEYS,
    TABLE_MODELS,
    Trial,
    TrialCondition,
    TrialId,
    TrialIntervention,
    TrialSite,
    TrialSponsor,
)

__all__ = [
    "TABLE_KEYS",
    "TABLE_MODELS",
    "Trial",
    "TrialCondition",
    "TrialId",
    "TrialIntervention",
    "TrialSite",
    "TrialSponsor",
]
