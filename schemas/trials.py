"""The trial tables. Enums are ClinicalTrials.gov API v2's (spec/ctg-oas-v2.yaml); other
registries map their values onto them, so one vocabulary serves every mart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

# A trial_id is the record's own id in the registry it came from. ICTRP copies of
# ClinicalTrials.gov records are keyed ICTRP-NCT... so that two sources never write one row
# (docs/data-contract.md, "Registries and linking").
TRIAL_ID_FORMS = {
    "ctgov": r"NCT\d{8}",
    "ictrp copy of ctgov": r"ICTRP-NCT\d{8}",
    "euctr (EudraCT number)": r"\d{4}-\d{6}-\d{2}",
    "ctis (EU CT number)": r"\d{4}-5\d{5}-\d{2}-\d{2}",
    "euctr via ictrp (per member state)": r"EUCTR\d{4}-\d{6}-\d{2}(-[A-Z0-9]{2,3})?",
    "ctis via ictrp": r"CTIS\d{4}-5\d{5}-\d{2}-\d{2}",
    "chictr": r"ChiCTR(-[A-Za-z]{2,4}-)?\d{8,10}",
    "jprn": r"JPRN-(jRCT[a-z]?\d{9,10}|UMIN\d{9}|JapicCTI-\d{6}|JMA-IIA\d{5}|C\d{9})",
    "cris": r"KCT\d{7}",
    "ctri": r"CTRI/\d{4}/\d{2,3}/\d{5,6}",
    "anzctr": r"ACTRN\d{14}",
    "drks": r"DRKS\d{8}",
    "isrctn": r"ISRCTN\d{8}",
    "omon (Netherlands)": r"(NL-OMON\d+|NTR\d+|NL\d{1,5})",
    "irct": r"IRCT\d+N\d+",
    "pactr": r"PACTR\d{15,16}",
    "rebec": r"RBR-\w{6,8}",
    "tctr": r"TCTR\d{11}",
    "slctr": r"SLCTR/\d{4}/\d{3}",
    "lbctr": r"LBCTR\d{10}",
    "repec": r"PER-\d{3}-\d{2}",
    "rpcec": r"RPCEC\d{11}",
    "itmctr": r"ITMCTR\d{10,14}",
}
TRIAL_ID = "^(" + "|".join(TRIAL_ID_FORMS.values()) + ")$"
# Precision kept: YYYY, YYYY-MM or YYYY-MM-DD, with a month and day that can exist ("2099-99-99"
# is refused here, before it can become a watermark); calendar and future checks below.
PARTIAL_DATE = r"^(1[89]|2\d)\d{2}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"

PHASES = [
    "EARLY_PHASE1",
    "PHASE1",
    "PHASE1/PHASE2",
    "PHASE2",
    "PHASE2/PHASE3",
    "PHASE3",
    "PHASE4",
    "NA",
]
OVERALL_STATUSES = [
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
]
SITE_STATUSES = OVERALL_STATUSES[:9]
STUDY_TYPES = ["EXPANDED_ACCESS", "INTERVENTIONAL", "OBSERVATIONAL"]
SPONSOR_CLASSES = [
    "NIH",
    "FED",
    "OTHER_GOV",
    "INDIV",
    "INDUSTRY",
    "NETWORK",
    "AMBIG",
    "OTHER",
    "UNKNOWN",
]
INTERVENTION_TYPES = [
    "BEHAVIORAL",
    "BIOLOGICAL",
    "COMBINATION_PRODUCT",
    "DEVICE",
    "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT",
    "DRUG",
    "GENETIC",
    "PROCEDURE",
    "RADIATION",
    "OTHER",
]
DATE_TYPES = ["ACTUAL", "ESTIMATED"]
ID_TYPES = [
    "EUDRACT",
    "UTN",
    "CTIS",
    "NCT",
    "REGISTRY",
    "ORG_STUDY_ID",
    "NIH",
    "FDA",
    "VA",
    "CDC",
    "AHRQ",
    "SAMHSA",
    "OTHER_GRANT",
    "OTHER",
]
REGIONS = [
    "North America",
    "Latin America",
    "Europe",
    "Middle East & Africa",
    "Asia-Pacific",
    "Antarctica",
]
# The register a record comes from (for ICTRP records: the register ICTRP took it from).
REGISTRIES = [
    "ctgov",
    "euctr",
    "ctis",
    "chictr",
    "jprn",
    "cris",
    "ctri",
    "anzctr",
    "drks",
    "isrctn",
    "omon",
    "irct",
    "pactr",
    "rebec",
    "tctr",
    "slctr",
    "lbctr",
    "repec",
    "rpcec",
    "itmctr",
]


def real_and_past(column: pl.Expr) -> pl.Expr:
    """True for NULL or a calendar date (to its precision) no later than tomorrow (UTC slack).

    Dates that record what already happened (posted, updated) cannot lie in the future; one that
    does is damage, and would poison the incremental watermark.
    """
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    full_date = column.str.to_date("%Y-%m-%d", strict=False)
    is_full = column.str.len_chars() == 10
    calendar_ok = ~is_full | full_date.is_not_null()
    not_future = column <= pl.lit(tomorrow).str.slice(0, column.str.len_chars())
    return column.is_null() | (calendar_ok & not_future)


class _TrialChild(pa.DataFrameModel):
    trial_id: str = pa.Field(str_matches=TRIAL_ID)
    fetch_seq: int


class Trial(pa.DataFrameModel):
    trial_id: str = pa.Field(str_matches=TRIAL_ID)
    registry: str = pa.Field(isin=REGISTRIES)
    title: str = pa.Field(nullable=True)
    official_title: str = pa.Field(nullable=True)
    brief_summary: Optional[str] = pa.Field(nullable=True)  # noqa: UP045 - pandera reads Optional
    keywords: Optional[pl.List(pl.Utf8)] = pa.Field(nullable=True)  # noqa: UP045
    phase: str = pa.Field(nullable=True, isin=PHASES)
    overall_status: str = pa.Field(nullable=True, isin=OVERALL_STATUSES)
    study_type: str = pa.Field(nullable=True, isin=STUDY_TYPES)
    start_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    start_date_type: str = pa.Field(nullable=True, isin=DATE_TYPES)
    primary_completion_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    completion_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    enrollment: int = pa.Field(nullable=True, ge=0)
    enrollment_type: str = pa.Field(nullable=True, isin=DATE_TYPES)
    lead_sponsor: str = pa.Field(nullable=True)
    lead_sponsor_class: str = pa.Field(nullable=True, isin=SPONSOR_CLASSES)
    first_posted_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    last_update_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    has_results: bool = pa.Field(nullable=True)
    source_url: str = pa.Field(str_startswith="https://")
    content_hash: pl.UInt64
    fetch_seq: int

    @pa.check("first_posted_date", "last_update_date", name="real_date_not_in_future")
    def recorded_dates_are_real(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(real_and_past(pl.col(data.key)))


class TrialSite(_TrialChild):
    site_index: int = pa.Field(ge=1)
    facility: str = pa.Field(nullable=True)
    city: str = pa.Field(nullable=True)
    state: str = pa.Field(nullable=True)
    zip: str = pa.Field(nullable=True)
    country_name: str = pa.Field(nullable=False)
    country_code: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    region: str = pa.Field(nullable=True, isin=REGIONS)
    latitude: float = pa.Field(nullable=True, in_range={"min_value": -90, "max_value": 90})
    longitude: float = pa.Field(nullable=True, in_range={"min_value": -180, "max_value": 180})
    site_status: str = pa.Field(nullable=True, isin=SITE_STATUSES)

    @pa.check("country_name", name="country_maps_to_iso")
    def country_maps_to_iso(cls, data: PolarsData) -> pl.LazyFrame:
        """A country name must map to an ISO code and a region; the failure shows the name."""
        mapped = pl.col("country_code").is_not_null() & pl.col("region").is_not_null()
        return data.lazyframe.select(mapped | pl.col(data.key).is_null())


class TrialIntervention(_TrialChild):
    intervention_index: int = pa.Field(ge=1)
    intervention_type: str = pa.Field(nullable=True, isin=INTERVENTION_TYPES)
    name: str = pa.Field(nullable=True)
    description: str = pa.Field(nullable=True)
    other_names: pl.List(pl.Utf8)


class TrialCondition(_TrialChild):
    condition: str = pa.Field(str_length={"min_value": 1})


class TrialSponsor(_TrialChild):
    name: str = pa.Field(str_length={"min_value": 1})
    sponsor_class: str = pa.Field(nullable=True, isin=SPONSOR_CLASSES)
    role: str = pa.Field(isin=["lead", "collaborator"])
    # Only registries that give it (EUCTR B.1.3.4); optional so ctgov need not emit it.
    country_name: Optional[str] = pa.Field(nullable=True)  # noqa: UP045 - pandera reads Optional


class TrialId(_TrialChild):
    other_id: str = pa.Field(str_length={"min_value": 1})
    id_type: str = pa.Field(isin=ID_TYPES)
    declared_type: str = pa.Field(nullable=True)
    domain: str = pa.Field(nullable=True)
    raw_id: str


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "trials": Trial,
    "trial_sites": TrialSite,
    "trial_interventions": TrialIntervention,
    "trial_conditions": TrialCondition,
    "trial_sponsors": TrialSponsor,
    "trial_ids": TrialId,
}

# Each table's key within the warehouse; record_key in quarantine is these values joined by "|".
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "trials": ("trial_id",),
    "trial_sites": ("trial_id", "site_index"),
    "trial_interventions": ("trial_id", "intervention_index"),
    "trial_conditions": ("trial_id", "condition"),
    "trial_sponsors": ("trial_id", "role", "name"),
    "trial_ids": ("trial_id", "other_id", "id_type"),
}
