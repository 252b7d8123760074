"""Manufacturing sites: the curated seed and its validation, how rows are joined to products (or
listed for review), and on the replay the coverage issue 11 asks for (docs/data-contract.md,
"Manufacturing sites"; docs/sources.md, "manufacturing sites: what is and is not covered")."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import polars as pl
import pytest

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.landing import new_run_id
from cgt_atlas.sources.curated import manufacturing_sites
from cgt_atlas.staging import split_valid
from schemas.manufacturing_sites import ROLES
from schemas.organisations import COUNTRY_CODES
from tests.conftest import shared_path
from tests.helpers import query
from tests.registry_helpers import link_folder, load_replay

HEADER = list(manufacturing_sites.COLUMNS)
GOOD_URL = "https://example.org/site"


def _seed_rows() -> list[dict[str, str]]:
    with manufacturing_sites.default_pages()[0].open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _parse(pages: list[Path]) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    parsed = manufacturing_sites.parse(duckdb.connect(), pages)
    return {
        table: split_valid(
            table, relation.pl(), manufacturing_sites.NAME, "test", manufacturing_sites.ENTITY_KEY
        )
        for table, relation in parsed.tables.items()
    }


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _site(
    brand: str, substance: str = "", site: str = "Plant A", role: str = "cell_processing", **kw: str
) -> list[str]:
    row = {
        "brand_name": brand,
        "active_substance": substance,
        "site_name": site,
        "site_operator": "Maker Inc",
        "role": role,
        "city": "Springfield",
        "country_code": "US",
        "supplies": "",
        "source_url": GOOD_URL,
        "note": "the page says so",
        "quote": "The page says so.",
        "as_of": "2024",
    } | kw
    return [row[column] for column in HEADER]


# --- the seed ------------------------------------------------------------------------------------


def test_every_seed_row_names_an_https_page_a_known_country_and_a_known_role() -> None:
    rows = _seed_rows()
    assert len(rows) >= 25
    assert all(row["source_url"].startswith("https://") for row in rows)
    assert all(row["country_code"] in COUNTRY_CODES for row in rows)
    assert all(row["role"] in ROLES for row in rows)
    assert all(row["site_name"].strip() and row["note"].strip() for row in rows)


def test_the_seed_validates_without_a_quarantined_row() -> None:
    tables = _parse(manufacturing_sites.default_pages())
    for table, (valid, quarantined) in tables.items():
        assert quarantined.is_empty(), (table, quarantined.to_dicts()[:3])
        assert len(valid) > 0
    seed = tables["manufacturing_site_seeds"][0]
    assert seed.get_column("rows").to_list() == [len(_seed_rows())]


def test_a_bad_seed_row_is_refused_with_the_rule_it_broke(tmp_path: Path) -> None:
    page = _write(
        tmp_path / "manufacturing_sites.csv",
        [
            _site("GOODBRAND"),
            _site("PLAINHTTP", source_url="http://example.org/site"),
            _site("NOWHERE", country_code="XX"),
            _site("ODDROLE", role="packaging"),
            _site("NOSITE", site=""),
            _site("BADYEAR", as_of="last year"),
            _site("BADMARKET", supplies="Europe"),
            _site("TWICE"),
            _site("twice ", site="plant a"),
        ],
    )
    valid, quarantined = _parse([page])["curated_manufacturing_sites"]
    assert valid.get_column("brand_name").to_list() == ["GOODBRAND"]
    refused = {
        (json_brand, check.split("(")[0])
        for json_brand, check in zip(
            quarantined.get_column("record").str.json_path_match("$.brand_name"),
            quarantined.get_column("check_name"),
            strict=True,
        )
    }
    assert {
        ("PLAINHTTP", "source_url:str_matches"),
        ("NOWHERE", "country_code:isin"),
        ("ODDROLE", "role:isin"),
        ("NOSITE", "site_name:not_nullable"),
        ("BADYEAR", "as_of:str_matches"),
        ("BADMARKET", "supplies:str_matches"),
        ("TWICE", "CuratedManufacturingSite:one_row_per_product_site_role"),
        ("twice", "CuratedManufacturingSite:one_row_per_product_site_role"),
    } <= refused


def test_a_seed_without_its_columns_stops_the_parse(tmp_path: Path) -> None:
    page = _write(
        tmp_path / "manufacturing_sites.csv", [["KYMRIAH", "Plant"]], header=["brand_name", "site_name"]
    )
    with pytest.raises(PageStructureChanged, match="lacks column.*role"):
        manufacturing_sites.parse(duckdb.connect(), [page])


def test_the_approvals_source_leaves_the_site_seed_to_its_own_source() -> None:
    from cgt_atlas.sources import curated

    assert not set(manufacturing_sites.SEED_FILES) & {page.name for page in curated.default_pages()}


# --- joining rows to products on a small warehouse ------------------------------------------------


def _load(tmp_path: Path, rows: list[list[str]]) -> Path:
    """The curated approvals (the project seed) and a hand-made site seed, loaded as a refresh does."""
    seed = _write(tmp_path / "seed" / "manufacturing_sites.csv", rows)
    replay = link_folder(tmp_path, {"manufacturing_sites": [seed]})
    db = tmp_path / "atlas.duckdb"
    load_replay(replay, db, ["curated", "manufacturing_sites"], new_run_id())
    return db


def test_rows_join_one_product_or_are_listed_for_review(tmp_path: Path) -> None:
    db = _load(
        tmp_path,
        [
            _site("KYMRIAH", "tisagenlecleucel", site="Plant K"),
            _site("Kymriah Suspension for Intravenous Infusion", "", site="Plant K"),
            _site("KYMRIAH", "axicabtagene ciloleucel", site="Plant X"),
            _site("NOSUCHBRAND", "nosuchcel", site="Plant N"),
        ],
    )
    published = query(db, "SELECT brand_name, site_name, product_id, region FROM manufacturing_sites")
    kymriah = query(db, "SELECT product_id FROM products WHERE brand_names ILIKE '%kymriah%'")
    assert len(kymriah) == 1
    assert published == [("KYMRIAH", "Plant K", kymriah[0][0], "North America")]
    review = dict(query(db, "SELECT site_name || ':' || brand_name, reason FROM manufacturing_site_review"))
    assert review == {
        "Plant K:Kymriah Suspension for Intravenous Infusion": "duplicate",
        "Plant X:KYMRIAH": "ambiguous",
        "Plant N:NOSUCHBRAND": "unmatched",
    }
    (candidates,) = query(
        db, "SELECT len(candidate_product_ids) FROM manufacturing_site_review WHERE reason = 'ambiguous'"
    )[0]
    assert candidates == 2


def test_an_edited_seed_replaces_the_rows_it_no_longer_holds(tmp_path: Path) -> None:
    db = _load(tmp_path, [_site("KYMRIAH", "tisagenlecleucel", site="Old name")])
    seed = _write(
        tmp_path / "seed" / "manufacturing_sites.csv", [_site("KYMRIAH", "tisagenlecleucel", site="New name")]
    )
    load_replay(seed.parent.parent / "replay", db, ["manufacturing_sites"], new_run_id())
    assert query(db, "SELECT site_name FROM curated_manufacturing_sites") == [("New name",)]
    assert query(db, "SELECT site_name FROM manufacturing_sites") == [("New name",)]


def test_a_second_load_of_the_same_seed_changes_nothing(tmp_path: Path) -> None:
    db = _load(tmp_path, [_site("KYMRIAH", "tisagenlecleucel")])
    load_replay(tmp_path / "replay", db, ["manufacturing_sites"], new_run_id())
    changed = query(
        db, "SELECT rows_changed FROM pipeline_runs WHERE source = 'manufacturing_sites' ORDER BY finished_at"
    )
    assert changed == [(1,), (0,)]


# --- on the replay (issue 11's bar) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def replay_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    replay = shared_path("replay")
    data = tmp_path_factory.mktemp("sites")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(data))
        load_replay(replay, data / "atlas.duckdb", ["ema", "curated", "manufacturing_sites"], new_run_id())
    return data / "atlas.duckdb"


def test_every_seed_row_joins_exactly_one_product_on_the_replay(replay_warehouse: Path) -> None:
    assert (
        query(replay_warehouse, "SELECT brand_name, site_name, reason FROM manufacturing_site_review") == []
    )
    assert query(replay_warehouse, "SELECT count(*) FROM manufacturing_sites")[0][0] == len(_seed_rows())


def test_sites_cover_25_products_in_3_regions_each_with_an_https_source(replay_warehouse: Path) -> None:
    products, regions, not_https, no_region = query(
        replay_warehouse,
        """
        SELECT count(DISTINCT product_id), count(DISTINCT region),
            count(*) FILTER (WHERE source_url NOT LIKE 'https://%'), count(*) FILTER (WHERE region IS NULL)
        FROM manufacturing_sites
        """,
    )[0]
    assert products >= 25
    assert regions >= 3
    assert not_https == 0
    assert no_region == 0


@pytest.mark.parametrize("brand", ["KYMRIAH", "YESCARTA"])
def test_kymriah_and_yescarta_each_have_a_us_site(replay_warehouse: Path, brand: str) -> None:
    us_sites = query(
        replay_warehouse,
        f"""
        SELECT s.site_name FROM manufacturing_sites AS s JOIN products AS p USING (product_id)
        WHERE p.brand_names ILIKE '%{brand}%' AND s.country_code = 'US'
        """,
    )
    assert us_sites, f"{brand} has no US manufacturing site"


def test_sites_cover_most_approved_products_and_measure_the_gap(replay_warehouse: Path) -> None:
    """Issue 20 asks for 90% of approved CGT products; this pins the figure reached (47 of 79 on the replay,
    the gap documented in docs/sources.md) so that a seed edit that loses coverage fails."""
    covered, total = query(
        replay_warehouse,
        "SELECT count(DISTINCT s.product_id), count(DISTINCT p.product_id) FROM products AS p "
        "LEFT JOIN manufacturing_sites AS s USING (product_id) WHERE p.is_cgt",
    )[0]
    assert total > 0 and covered / total >= 0.59


def test_kites_eu_site_is_in_hoofddorp_and_kymriah_is_made_in_leipzig(replay_warehouse: Path) -> None:
    cities = dict(
        query(
            replay_warehouse,
            "SELECT brand_name || ':' || country_code, string_agg(DISTINCT city, ',' ORDER BY city) "
            "FROM manufacturing_sites WHERE brand_name IN ('YESCARTA', 'KYMRIAH') GROUP BY 1",
        )
    )
    assert cities["YESCARTA:NL"] == "Hoofddorp"
    assert "Leipzig" in cities["KYMRIAH:DE"]


def test_a_quote_is_a_sentence_of_its_page_never_a_placeholder() -> None:
    quoted = [row for row in _seed_rows() if row["quote"]]
    assert len(quoted) >= 14  # 16 curated, two left out in review (their pages did not name the product)
    for row in quoted:
        assert len(row["quote"]) >= 40 and row["quote"] != row["note"], row["site_name"]
