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
    """One row per curated parent organisation, from the seed warehouse/curated/organisations.csv (loaded by
    the `organisations` source, cgt_atlas/sources/curated/organisations.py)."""

    organisation_id: str = pa.Field(
        str_matches=ORGANISATION_ID, description="slug, lower case words joined by `_` (`bms`, `gilead`)"
    )
    name: str = pa.Field(description="the parent's usual name")
    org_type: str = pa.Field(
        isin=ORG_TYPES, description="`industry`, `academic_or_hospital`, `government`, `other`"
    )
    hq_country_code: str = pa.Field(
        isin=COUNTRY_CODES,
        description="ISO 3166-1 alpha-2 of the headquarters; must be in `countries`",
    )
    hq_region: str = pa.Field(isin=REGIONS, description="region of `hq_country_code`")
    source_url: str = pa.Field(str_matches=HTTPS_URL, description="an https page stating the headquarters")
    note: str = pa.Field(nullable=True, description="what that page says")
    content_hash: pl.UInt64 = pa.Field(
        description="of the row and its aliases (an alias change reloads its parent)"
    )
    fetch_seq: int

    @pa.check("organisation_id", name="one_row_per_organisation")
    def one_row_per_organisation(cls, data: PolarsData) -> pl.LazyFrame:
        """A second row with the same id would silently replace the first at load: both are refused.

        A column check, not a frame check: a frame check's failure cases carry every column, and pandera
        cannot gather UInt64 content hashes on both sides of 2**63 into one frame."""
        return data.lazyframe.select(pl.col(data.key).is_duplicated().not_())


class OrganisationAlias(pa.DataFrameModel):
    """One row per sponsor spelling that names a curated organisation, from the seed
    warehouse/curated/organisation_aliases.csv."""

    organisation_id: str = pa.Field(
        str_matches=ORGANISATION_ID, description="the parent it names; must be in `organisations`"
    )
    alias: str = pa.Field(description="a sponsor spelling as registries write it")
    alias_key: str = pa.Field(
        description="`organisation_key(alias)`, what sponsor names are matched on; two aliases with one key "
        "must name one parent (a blank key, an alias of only legal suffixes, is refused)"
    )
    relation: str = pa.Field(isin=RELATIONS, description="`same`, `subsidiary`, `acquired`, `former_name`")
    source_url: str = pa.Field(
        str_matches=HTTPS_URL,
        description="an https page stating it (the ownership, for `subsidiary` / `acquired`)",
    )
    note: str = pa.Field(nullable=True, description="what that page says")
    effective_date: str = pa.Field(
        nullable=True,
        str_matches=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="for `acquired`: the date the acquisition took effect, as precisely as the page states "
        "it (YYYY, YYYY-MM or YYYY-MM-DD; the page and its sentence are `source_url` and `note`); trials "
        "that started before it stay with the acquired company. NULL for the other relations",
    )
    fetch_seq: int

    @pa.dataframe_check(name="an_acquisition_has_its_effective_date")
    def an_acquisition_has_its_effective_date(cls, data: PolarsData) -> pl.LazyFrame:
        """An acquisition without its date would credit the acquirer with the trials run before the deal."""
        return data.lazyframe.select(
            (pl.col("relation") != "acquired") | pl.col("effective_date").is_not_null()
        )

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
