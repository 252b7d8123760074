"""FDA site data: drug establishment registrations and Data Dashboard compliance actions.

Both are FDA's own lists of sites keyed by FEI; a row the parser could not place (a country no ISO
table knows, a date that is not a date) is quarantined with its value, never loaded blank."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.approvals import ISO_DAY
from schemas.organisations import COUNTRY_CODES
from schemas.trials import REGIONS

DIGITS = r"^\d+$"
COUNTRY_RULES = ["alpha-3 code", "country name"]


class Establishment(pa.DataFrameModel):
    establishment_id: str = pa.Field(str_matches=r"^fda_establishments:(\d+|nofei):\S+$")
    fei_number: str = pa.Field(nullable=True, str_matches=DIGITS)
    duns_number: str = pa.Field(nullable=True, str_matches=DIGITS)
    firm_name: str
    address: str
    country_name: str = pa.Field(nullable=True)
    country_iso3: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")
    country_code: str = pa.Field(isin=COUNTRY_CODES)
    region: str = pa.Field(isin=REGIONS)
    country_rule: str = pa.Field(isin=COUNTRY_RULES)
    us_state_code: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    expiration_date: str = pa.Field(nullable=True, str_matches=ISO_DAY)
    operations: Optional[pl.List(pl.Utf8)] = pa.Field(nullable=True)  # noqa: UP045
    registrant_name: str = pa.Field(nullable=True)
    registrant_duns: str = pa.Field(nullable=True, str_matches=DIGITS)
    exclusion_flag: str = pa.Field(nullable=True, isin=["Y", "N"])
    content_hash: pl.UInt64
    fetch_seq: int

    @pa.check("establishment_id", name="one_row_per_establishment")
    def one_row_per_establishment(cls, data: PolarsData) -> pl.LazyFrame:
        """Two rows of one FEI and DUNS would replace each other at load: both are refused.

        A column check, not a dataframe check: pandera builds a dataframe check's failure cases from
        whole rows, and fails on a content_hash above the signed 64-bit range."""
        return data.lazyframe.select(pl.col(data.key).is_duplicated().not_())


class ComplianceAction(pa.DataFrameModel):
    action_id: str = pa.Field(str_matches=r"^fda_compliance:\S+:\S+$")
    case_id: str
    fei_number: str = pa.Field(nullable=True, str_matches=DIGITS)
    legal_name: str
    state: str = pa.Field(nullable=True)
    country: str = pa.Field(nullable=True)
    country_code: str = pa.Field(nullable=True, isin=COUNTRY_CODES)
    region: str = pa.Field(nullable=True, isin=REGIONS)
    product_type: str
    action_date: str = pa.Field(str_matches=ISO_DAY)
    action_type: str
    content_hash: pl.UInt64
    fetch_seq: int

    @pa.check("country_code", name="country_is_known")
    def country_is_known(cls, data: PolarsData) -> pl.LazyFrame:
        """A country the export names must map to a code: an unknown one is quarantined (the record
        kept in quarantine shows the name). A column check for the reason given on Establishment."""
        return data.lazyframe.select(pl.col("country").is_null() | pl.col(data.key).is_not_null())


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "establishments": Establishment,
    "compliance_actions": ComplianceAction,
}
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "establishments": ("establishment_id",),
    "compliance_actions": ("action_id",),
}
