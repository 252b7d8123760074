"""Country names as registries print them, mapped to ISO 3166-1 alpha-2 and a region.

pycountry knows ISO names; the alias seed knows the registries' own spellings
("South Korea", "Turkey (Türkiye)"). A name neither knows stays unmapped so that
validation can quarantine it with the name, never a silent NULL.
"""

from __future__ import annotations

import csv
from functools import cache

import pycountry

from cgt_atlas.settings import SEEDS_DIR


@cache
def country_regions() -> dict[str, str]:
    """ISO alpha-2 code to region, from the seed file."""
    with (SEEDS_DIR / "countries.csv").open(encoding="utf-8") as handle:
        return {row["country_code"]: row["region"] for row in csv.DictReader(handle)}


@cache
def _aliases() -> dict[str, str]:
    with (SEEDS_DIR / "country_aliases.csv").open(encoding="utf-8") as handle:
        return {row["alias"].casefold(): row["country_code"] for row in csv.DictReader(handle)}


@cache
def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a registry's country name, or None when the name is unknown."""
    key = " ".join(name.split()).casefold()
    if not key:
        return None
    code = _aliases().get(key)
    if code is None:
        try:
            code = pycountry.countries.lookup(key).alpha_2
        except LookupError:
            return None
    return code if code in country_regions() else None


def register_country_lookup(con: object, names: list[str]) -> None:
    """Create temp table country_lookup(country_name, country_code, region) for these names.

    Unknown names get NULL code and region, so the site rows that carry them fail
    validation and reach quarantine with the name.
    """
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    regions = country_regions()
    rows = [(name, code, regions.get(code)) for name in names for code in [country_code(name)]]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE country_lookup"
        "(country_name VARCHAR, country_code VARCHAR, region VARCHAR)"
    )
    if rows:
        con.executemany("INSERT INTO country_lookup VALUES (?, ?, ?)", rows)


@cache
def country_code_from_alpha3(code: str) -> str | None:
    """ISO alpha-2 for an ISO 3166-1 alpha-3 code (FDA's addresses end "(KOR)"); None when unknown.

    pycountry's ISO table decides, never a guess from the letters; a code it lacks, or whose
    country the seed has no region for, stays unmapped.
    """
    country = pycountry.countries.get(alpha_3=code.strip().upper())
    if country is None:
        return None
    return country.alpha_2 if country.alpha_2 in country_regions() else None
