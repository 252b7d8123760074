"""The organisation tables: curated parents and the sponsor spellings that name them.

Every row is a hand-kept fact, so every row must carry the https page that states it; a row that
breaks a rule is quarantined with the rule it broke (docs/organisations.md)."""

from __future__ import annotations

import csv

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from cgt_atlas.settings import SEEDS_DIR
from schemas.trials import REGIONS

ORG_TYPES = ["industry", "academic_or_hospital", "government", "other"]
RELATIONS = ["same", "subsidiary", "acquired", "former_name"]
ORGANISATION_ID = r"^[a-z0-9]+(_[a-z0-9]+)*$"
HTTPS_URL = r"^https://\S+$"  # a curated fact names the page that states it, over https


def _country_codes() -> list[str]:
    with (SEEDS_DIR / "countries.csv").open(encoding="utf-8", newline="") as handle:
        return sorted(row["country_code"] for row in csv.DictReader(handle))


COUNTRY_CODES = _country_codes()


class Organisation(pa.DataFrameModel):
    organisation_id: str = pa.Field(str_matches=ORGANISATION_ID)
    name: str
    org_type: str = pa.Field(isin=ORG_TYPES)
    hq_country_code: str = pa.Field(isin=COUNTRY_CODES)
    hq_region: str = pa.Field(isin=REGIONS)
    source_url: str = pa.Field(str_matches=HTTPS_URL)
    note: str = pa.Field(nullable=True)
    content_hash: pl.UInt64
    fetch_seq: int

    @pa.check("organisation_id", name="one_row_per_organisation")
    def one_row_per_organisation(cls, data: PolarsData) -> pl.LazyFrame:
        """A second row with the same id would silently replace the first at load: both are refused.

        A column check, not a frame check: a frame check's failure cases carry every column, and pandera
        cannot gather UInt64 content hashes on both sides of 2**63 into one frame."""
        return data.lazyframe.select(pl.col(data.key).is_duplicated().not_())


class OrganisationAlias(pa.DataFrameModel):
    organisation_id: str = pa.Field(str_matches=ORGANISATION_ID)
    alias: str
    alias_key: str
    """organisation_key(alias); a blank key (an alias of only legal suffixes) is refused."""
    relation: str = pa.Field(isin=RELATIONS)
    source_url: str = pa.Field(str_matches=HTTPS_URL)
    note: str = pa.Field(nullable=True)
    fetch_seq: int

    @pa.dataframe_check(name="alias_names_one_organisation")
    def alias_names_one_organisation(cls, data: PolarsData) -> pl.LazyFrame:
        """Two rows whose spellings normalise alike must name the same parent, or a sponsor is ambiguous."""
        return data.lazyframe.select(pl.col("organisation_id").n_unique().over("alias_key") == 1)


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "organisations": Organisation,
    "organisation_aliases": OrganisationAlias,
}
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("organisation_id",),
    "organisation_aliases": ("alias",),
}
