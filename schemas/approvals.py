"""The regulator tables: one record per agency decision, split into approvals and applications
that were never granted. Vocabularies are ours (lower snake case); each source maps onto them."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.trials import PARTIAL_DATE, REGIONS

AGENCIES = ["FDA", "EMA", "PMDA", "MFDS", "NMPA", "HC", "TGA", "MHRA", "SWISSMEDIC"]
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

    record_id: str = pa.Field(str_matches=RECORD_ID)
    agency: str = pa.Field(isin=AGENCIES)
    agency_record_no: str = pa.Field(nullable=True)
    source_kind: str = pa.Field(isin=SOURCE_KINDS)
    source_url: str = pa.Field(str_matches=SOURCE_URL)
    fetch_seq: int


class RegulatoryRecord(_Record):
    outcome: str = pa.Field(isin=OUTCOMES)
    note: str = pa.Field(nullable=True)
    content_hash: pl.UInt64


class _Decision(_Record):
    """Columns an approval and an application not granted share."""

    country_code: str = pa.Field(str_matches=r"^[A-Z]{2}$")
    region: str = pa.Field(isin=REGIONS)
    brand_name: str = pa.Field(nullable=True)
    active_substance: str = pa.Field(nullable=True)
    common_name: str = pa.Field(nullable=True)
    holder: str = pa.Field(nullable=True)
    indication: str = pa.Field(nullable=True)

    @pa.dataframe_check(name="names_the_product")
    def names_the_product(cls, data: PolarsData) -> pl.LazyFrame:
        """A decision nobody can match to a product is useless: it needs a brand or a substance."""
        return data.lazyframe.select(
            pl.col("brand_name").is_not_null() | pl.col("active_substance").is_not_null()
        )


class Approval(_Decision):
    approval_id: str = pa.Field(str_matches=RECORD_ID)
    approval_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    approval_type: str = pa.Field(nullable=True, isin=APPROVAL_TYPES)
    status: str = pa.Field(isin=APPROVAL_STATUSES)
    status_date: str = pa.Field(nullable=True, str_matches=ISO_DAY)

    @pa.dataframe_check(name="agency_rows_carry_their_date")
    def agency_rows_carry_their_date(cls, data: PolarsData) -> pl.LazyFrame:
        """Only a curated row may lack a date (the published fact had none); an agency's own row may not."""
        return data.lazyframe.select(
            pl.col("approval_date").is_not_null() | (pl.col("source_kind") == "curated")
        )


class ApplicationNotGranted(_Decision):
    application_id: str = pa.Field(str_matches=RECORD_ID)
    decision: str = pa.Field(isin=DECISIONS)
    decision_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)


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
