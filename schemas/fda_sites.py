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
    """One row per registered site in FDA's drug establishment registration file (drls_reg), loaded by the
    `fda_establishments` source. FEI alone is not a key (docs/sources.md, "fda_establishments")."""

    establishment_id: str = pa.Field(
        str_matches=r"^fda_establishments:(\d+|nofei):\S+$",
        description="`fda_establishments:<FEI or nofei>:<establishment DUNS>` (DUNS missing: `h` + a digest "
        "of firm and address)",
    )
    fei_number: str = pa.Field(
        nullable=True,
        str_matches=DIGITS,
        description="FDA Establishment Identifier as published (leading zeros kept); NULL when blank or all "
        "zeros (unassigned)",
    )
    duns_number: str = pa.Field(nullable=True, str_matches=DIGITS, description="the establishment's DUNS")
    firm_name: str = pa.Field(description="FIRM_NAME")
    address: str = pa.Field(description='ADDRESS, one string ending "<country> (<ISO alpha-3>)"')
    country_name: str = pa.Field(nullable=True, description="the country as the address writes it")
    country_iso3: str = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{3}$",
        description="the alpha-3 code ending the address; NULL when it has none",
    )
    country_code: str = pa.Field(
        isin=COUNTRY_CODES,
        description="ISO 3166-1 alpha-2 (pycountry from `country_iso3`, else from `country_name`); "
        "never NULL",
    )
    region: str = pa.Field(isin=REGIONS, description="region of `country_code` (`countries`); never NULL")
    country_rule: str = pa.Field(isin=COUNTRY_RULES, description="`alpha-3 code` or `country name`")
    us_state_code: str = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{2}$",
        description='two-letter state of a US address ("New York (NY) 11722"), else NULL',
    )
    expiration_date: str = pa.Field(
        nullable=True,
        str_matches=ISO_DAY,
        description="YYYY-MM-DD the registration expires (end of the registration year)",
    )
    operations: Optional[pl.List(pl.Utf8)] = pa.Field(  # noqa: UP045
        nullable=True,
        description="OPERATIONS split on `;` as published (`MANUFACTURE`, `ANALYSIS`, `API MANUFACTURE`, "
        "`LABEL`, `PACK`, `STERILIZE`, ...)",
    )
    registrant_name: str = pa.Field(
        nullable=True, description="the firm that filed the registration (often the parent)"
    )
    registrant_duns: str = pa.Field(
        nullable=True, str_matches=DIGITS, description="the DUNS of the firm that filed the registration"
    )
    exclusion_flag: str = pa.Field(nullable=True, isin=["Y", "N"], description="`Y` / `N` as published")
    content_hash: pl.UInt64 = pa.Field(description="hash of the parsed row and the parser fingerprint")
    fetch_seq: int

    @pa.check("establishment_id", name="one_row_per_establishment")
    def one_row_per_establishment(cls, data: PolarsData) -> pl.LazyFrame:
        """Two rows of one FEI and DUNS would replace each other at load: both are refused.

        A column check, not a dataframe check: pandera builds a dataframe check's failure cases from
        whole rows, and fails on a content_hash above the signed 64-bit range."""
        return data.lazyframe.select(pl.col(data.key).is_duplicated().not_())


class ComplianceAction(pa.DataFrameModel):
    """One row per case and FEI of the FDA Data Dashboard's compliance actions (warning letters, injunctions,
    seizures), loaded by the `fda_compliance` source."""

    action_id: str = pa.Field(
        str_matches=r"^fda_compliance:\S+:\S+$", description="`fda_compliance:<case_id>:<FEI or nofei>`"
    )
    case_id: str = pa.Field(description="Case/Injunction ID (one case can name several firms)")
    fei_number: str = pa.Field(
        nullable=True, str_matches=DIGITS, description="FEI Number (joins `establishments.fei_number`)"
    )
    legal_name: str = pa.Field(description="Legal Name")
    state: str = pa.Field(nullable=True, description="US state or territory as published; NULL for `-`")
    country: str = pa.Field(nullable=True, description="Country/Area as published; NULL for `-`")
    country_code: str = pa.Field(
        nullable=True,
        isin=COUNTRY_CODES,
        description="ISO alpha-2 of `country`; a country that maps to no code is quarantined",
    )
    region: str = pa.Field(nullable=True, isin=REGIONS, description="region of `country_code`")
    product_type: str = pa.Field(description="Drugs, Devices, Biologics, Food, ...")
    action_date: str = pa.Field(str_matches=ISO_DAY, description="YYYY-MM-DD (Action Taken Date)")
    action_type: str = pa.Field(description="Warning Letter, Injunction, Seizure")
    content_hash: pl.UInt64 = pa.Field(description="hash of the parsed row and the parser fingerprint")
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
