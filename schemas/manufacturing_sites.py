"""The curated manufacturing-site tables: where approved CGT products are made, and by whom.

Every row is a hand-kept fact, so it must name an https page that states it, a known country and
a role from the vocabulary below; a row that breaks a rule is quarantined with the rule it broke
(docs/data-contract.md, "Manufacturing sites")."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.organisations import COUNTRY_CODES, HTTPS_URL

ROLES = [
    "cell_processing",
    "vector_manufacture",
    "drug_substance",
    "drug_product",
    "fill_finish",
    "testing",
    "batch_release",
    "manufacture",
]
"""What the site does for the product, as its page says (definitions: docs/data-contract.md).
`manufacture` is for a page that says the site makes the product without naming the step."""
SEED_ID = r"^manufacturing_sites:seed$"
MARKETS = r"^(global|[A-Z]{2}( [A-Z]{2})*)$"
"""`supplies`: the markets a page says the site supplies, as agency jurisdictions (EU for the EU/EEA, else ISO
3166-1 alpha-2), space-separated; `global` when the page says it makes the world's supply."""
YEAR = r"^(19|20)\d\d$"


class ManufacturingSiteSeed(pa.DataFrameModel):
    """One row: the seed warehouse/curated/manufacturing_sites.csv as one record. Its hash reloads every row
    when any row changes, so a row removed or renamed in the seed leaves the warehouse with it."""

    seed_id: str = pa.Field(str_matches=SEED_ID, description="`manufacturing_sites:seed`")
    rows: pl.Int32 = pa.Field(description="rows the seed held when loaded")
    content_hash: pl.UInt64 = pa.Field(description="of every row, in `site_row_id` order, and the parser")
    fetch_seq: int


class CuratedManufacturingSite(pa.DataFrameModel):
    """One row per seed row (warehouse/curated/manufacturing_sites.csv): a site that makes, tests or releases
    an approved CGT product, as a public page states it. The seed never stores `product_id` (a hash the models
    compute): a row names its product as agencies print it and the models join it."""

    seed_id: str = pa.Field(str_matches=SEED_ID, description="`manufacturing_sites:seed`")
    site_row_id: str = pa.Field(
        str_matches=r"^[0-9a-f]{12}$",
        description="md5 (12 hex) of brand x site x role, lower case, spacing collapsed; two rows with one "
        "id are both refused",
    )
    brand_name: str = pa.Field(
        description="the product's brand as an agency prints it (required); with `active_substance`, what "
        "the row is matched to a product on"
    )
    active_substance: str = pa.Field(
        nullable=True, description="its INN as agencies print it; NULL when only a descriptive name exists"
    )
    site_name: str = pa.Field(description="the site as the page names it (required)")
    site_operator: str = pa.Field(
        description="the company running the site: the holder or a contract manufacturer (required)"
    )
    role: str = pa.Field(isin=ROLES, description="one of the roles above (`ROLES`)")
    city: str = pa.Field(nullable=True, description="NULL when the page gives only the country")
    country_code: str = pa.Field(isin=COUNTRY_CODES, description="ISO 3166-1 alpha-2; must be in `countries`")
    supplies: str = pa.Field(
        nullable=True,
        str_matches=MARKETS,
        description="the markets the page says this site supplies, space-separated jurisdictions (`EU` for "
        "the EU/EEA, else the country code; `global` for the world's supply); NULL: the page "
        "does not say, and `product_supply_routes` says `not stated` unless the site's role "
        "implies a market",
    )
    source_url: str = pa.Field(
        str_matches=HTTPS_URL,
        description="an https page stating that this site does this for this product (required)",
    )
    note: str = pa.Field(description="what the page says (required)")
    quote: str = pa.Field(
        nullable=True,
        description="the sentence of the page that states the fact, verbatim (its language), so a reviewer "
        "can check it without guessing; NULL on rows curated before the column existed (their `note` "
        "paraphrases)",
    )
    as_of: str = pa.Field(
        nullable=True,
        str_matches=YEAR,
        description="the year the page states it (`YYYY`), NULL when the page carries no date",
    )
    fetch_seq: int

    @pa.dataframe_check(name="one_row_per_product_site_role")
    def one_row_per_product_site_role(cls, data: PolarsData) -> pl.LazyFrame:
        """The same product x site x role written twice is one fact with two versions: both refused."""
        return data.lazyframe.select(pl.col("site_row_id").is_duplicated().not_())


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "manufacturing_site_seeds": ManufacturingSiteSeed,
    "curated_manufacturing_sites": CuratedManufacturingSite,
}
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "manufacturing_site_seeds": ("seed_id",),
    "curated_manufacturing_sites": ("site_row_id",),
}
