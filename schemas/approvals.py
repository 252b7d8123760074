"""The regulator tables: one record per agency decision, split into approvals and applications
that were never granted. Vocabularies are ours (lower snake case); each source maps onto them."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.trials import PARTIAL_DATE, REGIONS

AGENCIES = ["FDA", "EMA", "PMDA", "MFDS", "NMPA", "HC", "TGA", "MHRA", "SWISSMEDIC", "CDSCO"]
SOURCE_KINDS = ["scraped", "fetched", "curated"]
OUTCOMES = ["approved", "not_granted"]
APPROVAL_STATUSES = ["authorised", "withdrawn", "expired", "lapsed", "revoked", "suspended", "unknown"]
DECISIONS = ["refused", "application_withdrawn", "withdrawn_from_rolling_review"]
APPROVAL_TYPES = [
    "standard",
    "conditional",
    "exceptional_circumstances",
    "conditional_time_limited",
    "accelerated",
]
RECORD_ID = r"^(ema|fda_cgt|fda_purplebook|healthcanada|swissmedic|curated):[A-Za-z0-9][A-Za-z0-9:/_.-]*$"
ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
SOURCE_URL = r"^https?://\S+$"  # where the fact is published; some secondary sources still serve http


class _Record(pa.DataFrameModel):
    """Columns every regulator table carries."""

    record_id: str = pa.Field(
        str_matches=RECORD_ID,
        description="`<source>:<agency id>`: `ema:EMEA/H/C/004090`, `fda_purplebook:<BLA>`, "
        "`fda_cgt:<product page slug>`, `healthcanada:<lowest DPD drug code of the product>`, "
        "`swissmedic:<Zulassungsnummer>`, `curated:<AGENCY>:<record_key>`",
    )
    agency: str = pa.Field(
        isin=AGENCIES,
        description="FDA, EMA, PMDA, MFDS, NMPA, HC, TGA, MHRA, SWISSMEDIC, CDSCO "
        "(`warehouse/seeds/agencies.csv`)",
    )
    agency_record_no: str = pa.Field(
        nullable=True,
        description="the agency's number: EMA product number, FDA STN (6 digits), Health Canada DINs "
        "(comma-separated, one per strength), Swissmedic's Zulassungsnummer; NULL when unknown",
    )
    source_kind: str = pa.Field(
        isin=SOURCE_KINDS,
        description="`scraped` (HTML pages), `fetched` (an agency file), `curated` (seed row)",
    )
    source_url: str = pa.Field(
        str_matches=SOURCE_URL,
        description="where the decision is published; never NULL (validation quarantines a row without it)",
    )
    fetch_seq: int


class RegulatoryRecord(_Record):
    """One row per agency decision on one product, as published: the loader's parent table for the regulator
    sources; each row is also in `approvals` or `applications_not_granted`, with the same `record_id`."""

    outcome: str = pa.Field(
        isin=OUTCOMES,
        description="`approved` (row in `approvals`) or `not_granted` (row in `applications_not_granted`)",
    )
    note: str = pa.Field(
        nullable=True,
        description="curated rows: what the source says beyond the columns, conflicts between sources; "
        'fda_purplebook: US licence number, marketing status (Rx/OTC/Disc), "cord-blood HPC licence"; '
        "swissmedic: the agency's own category (`Heilmittelcode: Transplantat: Gentherapieprodukt`, "
        "`...: Zelltherapieprodukt` or `...: Gewebeprodukt`)",
    )
    content_hash: pl.UInt64 = pa.Field(
        description="hash of the whole parsed record and the parser fingerprint"
    )


class _Decision(_Record):
    """Columns an approval and an application not granted share."""

    country_code: str = pa.Field(
        str_matches=r"^[A-Z]{2}$",
        description="the agency's jurisdiction, ISO 3166-1 alpha-2; `EU` for EMA",
    )
    region: str = pa.Field(
        isin=REGIONS,
        description="North America, Latin America, Europe, Middle East & Africa, Asia-Pacific",
    )
    brand_name: str = pa.Field(
        nullable=True,
        description="as published (FDA roster names upper-cased; PMDA names carry the dosage form)",
    )
    active_substance: str = pa.Field(
        nullable=True,
        description="the agency's active substance; FDA: the proper name (the INN when the proper name "
        "carries one in brackets; Purple Book: without FDA's four-letter suffix)",
    )
    common_name: str = pa.Field(
        nullable=True,
        description="a second name the agency prints: EMA's INN / common name, FDA's bracketed proper name; "
        "Purple Book: the proper name as published, suffix included",
    )
    holder: str = pa.Field(
        nullable=True,
        description="marketing-authorisation holder / manufacturer as published (no country)",
    )
    indication: str = pa.Field(nullable=True, description="free text, HTML entities decoded")

    @pa.dataframe_check(name="names_the_product")
    def names_the_product(cls, data: PolarsData) -> pl.LazyFrame:
        """A decision nobody can match to a product is useless: it needs a brand or a substance."""
        return data.lazyframe.select(
            pl.col("brand_name").is_not_null() | pl.col("active_substance").is_not_null()
        )


class Approval(_Decision):
    """One row per marketing authorisation granted."""

    approval_id: str = pa.Field(str_matches=RECORD_ID, description="the key; equals `record_id`")
    approval_date: str = pa.Field(
        nullable=True,
        str_matches=PARTIAL_DATE,
        description="the **original** approval in that jurisdiction (EMA: Marketing authorisation date, not "
        "the latest EC decision; FDA: Purple Book Date of First Licensure or original submission, fda_cgt "
        "earliest approval letter; Swissmedic: the earliest `Erstzul.datum Arzneimittel` of its packages). "
        "NULL only on curated rows whose source gives no date",
    )
    approval_type: str = pa.Field(
        nullable=True,
        isin=APPROVAL_TYPES,
        description="standard, conditional, exceptional_circumstances, conditional_time_limited (PMDA), "
        "accelerated; NULL when unknown",
    )
    status: str = pa.Field(
        isin=APPROVAL_STATUSES,
        description="authorised, withdrawn, expired, lapsed, revoked, suspended; `unknown` when the source "
        "does not say (curated rows)",
    )
    status_date: str = pa.Field(
        nullable=True,
        str_matches=ISO_DAY,
        description="when it stopped being authorised (EMA's withdrawal / expiry / revocation / lapse, or "
        "suspension, date)",
    )

    @pa.dataframe_check(name="agency_rows_carry_their_date")
    def agency_rows_carry_their_date(cls, data: PolarsData) -> pl.LazyFrame:
        """Only a curated row may lack a date (the published fact had none); an agency's own row may not."""
        return data.lazyframe.select(
            pl.col("approval_date").is_not_null() | (pl.col("source_kind") == "curated")
        )


class ApplicationNotGranted(_Decision):
    """One row per application an agency refused or saw withdrawn before a decision."""

    application_id: str = pa.Field(str_matches=RECORD_ID, description="the key; equals `record_id`")
    decision: str = pa.Field(
        isin=DECISIONS, description="refused, application_withdrawn, withdrawn_from_rolling_review"
    )
    decision_date: str = pa.Field(
        nullable=True,
        str_matches=PARTIAL_DATE,
        description="EMA: Refusal of marketing authorisation date, or Withdrawal of application date",
    )


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "regulatory_records": RegulatoryRecord,
    "approvals": Approval,
    "applications_not_granted": ApplicationNotGranted,
}
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "regulatory_records": ("record_id",),
    "approvals": ("approval_id",),
    "applications_not_granted": ("application_id",),
}
