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
YEAR = r"^(19|20)\d\d$"


class ManufacturingSiteSeed(pa.DataFrameModel):
    """The seed as one record: its hash reloads every row when any row changes."""

    seed_id: str = pa.Field(str_matches=SEED_ID)
    rows: pl.Int32
    content_hash: pl.UInt64
    fetch_seq: int


class CuratedManufacturingSite(pa.DataFrameModel):
    seed_id: str = pa.Field(str_matches=SEED_ID)
    site_row_id: str = pa.Field(str_matches=r"^[0-9a-f]{12}$")
    brand_name: str
    """As an agency prints it; with active_substance, what the row is matched to a product on."""
    active_substance: str = pa.Field(nullable=True)
    site_name: str
    site_operator: str
    role: str = pa.Field(isin=ROLES)
    city: str = pa.Field(nullable=True)
    """NULL when the page names the country but not the city."""
    country_code: str = pa.Field(isin=COUNTRY_CODES)
    source_url: str = pa.Field(str_matches=HTTPS_URL)
    note: str
    as_of: str = pa.Field(nullable=True, str_matches=YEAR)
    """The year the page states the fact (its date), NULL when the page carries none."""
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
