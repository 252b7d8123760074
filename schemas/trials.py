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
    trial_id: str = pa.Field(str_matches=TRIAL_ID, description="the trial")
    fetch_seq: int


class Trial(pa.DataFrameModel):
    """One row per trial record: a registry's record of a trial (the same trial in several registries is
    several records, joined in trial_clusters; see "Records, registries and trial_id")."""

    trial_id: str = pa.Field(
        str_matches=TRIAL_ID, description="the registry's own id (NCT number for ClinicalTrials.gov)"
    )
    registry: str = pa.Field(
        isin=REGISTRIES,
        description="the register the record comes from (`ctgov`, `euctr`, `ctis`, `chictr`, `jprn`, ...; "
        'see "Registries and linking")',
    )
    title: str = pa.Field(nullable=True, description="brief title")
    official_title: str = pa.Field(nullable=True, description="official title, when registered")
    brief_summary: Optional[str] = pa.Field(  # noqa: UP045 - pandera reads Optional
        nullable=True,
        description="the registry's brief summary (classifier input; NULL where the registry has none)",
    )
    keywords: Optional[pl.List(pl.Utf8)] = pa.Field(  # noqa: UP045
        nullable=True, description="the registry's keywords (classifier input)"
    )
    phase: str = pa.Field(
        nullable=True,
        isin=PHASES,
        description="`EARLY_PHASE1`, `PHASE1`, `PHASE1/PHASE2`, `PHASE2`, `PHASE2/PHASE3`, `PHASE3`, "
        "`PHASE4`, `NA` (not applicable), or NULL (not given)",
    )
    overall_status: str = pa.Field(
        nullable=True,
        isin=OVERALL_STATUSES,
        description="recruitment status (API v2 `Status` enum: `RECRUITING`, `COMPLETED`, `UNKNOWN`, ...)",
    )
    study_type: str = pa.Field(
        nullable=True, isin=STUDY_TYPES, description="`INTERVENTIONAL`, `OBSERVATIONAL`, `EXPANDED_ACCESS`"
    )
    start_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description="start date, precision kept"
    )
    start_date_type: str = pa.Field(nullable=True, isin=DATE_TYPES, description="`ACTUAL` or `ESTIMATED`")
    primary_completion_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description="primary completion date, precision kept"
    )
    completion_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description="completion date, precision kept"
    )
    enrollment: int = pa.Field(nullable=True, ge=0, description="enrolment count (actual or planned)")
    enrollment_type: str = pa.Field(nullable=True, isin=DATE_TYPES, description="`ACTUAL` or `ESTIMATED`")
    lead_sponsor: str = pa.Field(nullable=True, description="lead sponsor's name")
    lead_sponsor_class: str = pa.Field(
        nullable=True,
        isin=SPONSOR_CLASSES,
        description="`INDUSTRY`, `NIH`, `FED`, `OTHER_GOV`, `INDIV`, `NETWORK`, `AMBIG`, `OTHER`, `UNKNOWN`",
    )
    first_posted_date: str = pa.Field(
        nullable=True,
        str_matches=PARTIAL_DATE,
        description="when the registry first posted the record (a real date, never after tomorrow UTC: a row "
        "breaking that is quarantined)",
    )
    last_update_date: str = pa.Field(
        nullable=True,
        str_matches=PARTIAL_DATE,
        description="the registry's last update post date (the incremental watermark; a real date, never "
        "after tomorrow UTC)",
    )
    has_results: bool = pa.Field(
        nullable=True, description="results posted (NULL when the response did not say)"
    )
    source_url: str = pa.Field(str_startswith="https://", description="the record's public page")
    content_hash: pl.UInt64 = pa.Field(
        description="hash of everything parsed from the record plus the parser's fingerprint; drives the "
        "merge"
    )
    fetch_seq: int

    @pa.check("first_posted_date", "last_update_date", name="real_date_not_in_future")
    def recorded_dates_are_real(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(real_and_past(pl.col(data.key)))


class TrialSite(_TrialChild):
    """One row per site of a trial. EUCTR and ICTRP name countries, not facilities: their rows are one per
    country of a record, with facility, city, state, zip, coordinates and site_status NULL."""

    site_index: int = pa.Field(ge=1, description="1-based position of the site in the registry record")
    facility: str = pa.Field(nullable=True, description="facility name")
    city: str = pa.Field(nullable=True, description="city, as registered")
    state: str = pa.Field(nullable=True, description="state or province, as registered")
    zip: str = pa.Field(nullable=True, description="postal code, as registered")
    country_name: str = pa.Field(
        nullable=False,
        description="the country as the registry spells it (`South Korea`, `Turkey (Türkiye)`)",
    )
    country_code: str = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2, never NULL: a name that does not map goes to `quarantine` instead",
    )
    region: str = pa.Field(
        nullable=True, isin=REGIONS, description="region of the country (from `countries`), never NULL"
    )
    latitude: float = pa.Field(
        nullable=True,
        in_range={"min_value": -90, "max_value": 90},
        description="the registry's geocode of the city: latitude",
    )
    longitude: float = pa.Field(
        nullable=True,
        in_range={"min_value": -180, "max_value": 180},
        description="the registry's geocode of the city: longitude",
    )
    site_status: str = pa.Field(
        nullable=True, isin=SITE_STATUSES, description="recruitment status of the site"
    )

    @pa.check("country_name", name="country_maps_to_iso")
    def country_maps_to_iso(cls, data: PolarsData) -> pl.LazyFrame:
        """A country name must map to an ISO code and a region; the failure shows the name."""
        mapped = pl.col("country_code").is_not_null() & pl.col("region").is_not_null()
        return data.lazyframe.select(mapped | pl.col(data.key).is_null())


class TrialIntervention(_TrialChild):
    """One row per intervention of a trial record."""

    intervention_index: int = pa.Field(ge=1, description="1-based position in the record")
    intervention_type: str = pa.Field(
        nullable=True,
        isin=INTERVENTION_TYPES,
        description="`BIOLOGICAL`, `GENETIC`, `DRUG`, `DEVICE`, `PROCEDURE`, ... (NULL when not given)",
    )
    name: str = pa.Field(nullable=True, description="intervention name")
    description: str = pa.Field(nullable=True, description="intervention description")
    other_names: pl.List(pl.Utf8) = pa.Field(description="other names (codes, brand names)")


class TrialCondition(_TrialChild):
    """One row per condition of a trial record."""

    condition: str = pa.Field(
        str_length={"min_value": 1},
        description="a condition as registered (duplicates within a trial collapsed)",
    )


class TrialSponsor(_TrialChild):
    """One row per sponsor or collaborator of a trial record."""

    name: str = pa.Field(str_length={"min_value": 1}, description="sponsor or collaborator name")
    sponsor_class: str = pa.Field(
        nullable=True, isin=SPONSOR_CLASSES, description="same classes as `trials.lead_sponsor_class`"
    )
    role: str = pa.Field(isin=["lead", "collaborator"], description="`lead` or `collaborator`")
    # Only registries that give it (EUCTR B.1.3.4); optional so ctgov need not emit it.
    country_name: Optional[str] = pa.Field(  # noqa: UP045 - pandera reads Optional
        nullable=True,
        description="the sponsor's country where the registry gives it (EUCTR B.1.3.4 / B.4.2, CTIS the "
        "primary sponsor's first address); NULL elsewhere",
    )
    # Only registries that give it (ClinicalTrials.gov, ICTRP); optional for the EU registries
    investigator_affiliation: Optional[str] = pa.Field(  # noqa: UP045 - pandera reads Optional
        nullable=True,
        description="lead rows: the affiliation the record gives for its responsible investigator "
        "(ClinicalTrials.gov responsibleParty.investigatorAffiliation when it is not the person's own "
        "name, else the first overall official's affiliation; ICTRP the first Contact_Affiliation); what "
        "a sponsor that is a person maps to (`sponsor_organisations`). NULL elsewhere",
    )


class TrialId(_TrialChild):
    """One row per other identifier a trial record declares; each registry number found in a value is one row
    (`trial_numbers()`)."""

    other_id: str = pa.Field(
        str_length={"min_value": 1},
        description="the identifier; for `EUDRACT`, `CTIS` and `NCT` the bare number extracted from the text",
    )
    id_type: str = pa.Field(
        isin=ID_TYPES,
        description="`EUDRACT`, `CTIS`, `NCT` (an alias NCT id), `UTN` (WHO Universal Trial Number), "
        "`ORG_STUDY_ID` (sponsor's protocol id), `REGISTRY`, `NIH`, `FDA`, `VA`, `CDC`, `AHRQ`, `SAMHSA`, "
        "`OTHER_GRANT`, `OTHER`. Typed by the id's own shape first (EudraCT `YYYY-NNNNNN-CC`, CTIS "
        "`YYYY-5NNNNN-CC-NN`, `NCTnnnnnnnn`), because registries often type them `OTHER`",
    )
    declared_type: str = pa.Field(
        nullable=True,
        description="the type the registry declared (`OTHER`, `REGISTRY`, `EUDRACT_NUMBER`, `ORG_STUDY_ID`, "
        "`NCT_ALIAS`, ...)",
    )
    domain: str = pa.Field(
        nullable=True, description="the registry's domain text for the id (e.g. the issuing body)"
    )
    raw_id: str = pa.Field(description="the id as registered")


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
