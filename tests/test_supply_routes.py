"""Supply routes (issue 20, item 4) on hand-written approvals and sites: a site supplies a market only when
its page states it or its role implies it (an EU batch-release site supplies the EU), never because the
product is approved in one region and made in another; a withdrawn or expired authorisation ends its routes
at its date."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from warehouse.load import build_models, ensure_schema

# record_id, agency, country, region, brand, substance, date, status, status date
APPROVALS = [
    ("t:k-us", "FDA", "US", "North America", "KYMRIAH", "tisagenlecleucel", "2017-08-30", "unknown", None),
    ("t:k-eu", "EMA", "EU", "Europe", "Kymriah", "tisagenlecleucel", "2018-08-22", "authorised", None),
    ("t:k-jp", "PMDA", "JP", "Asia-Pacific", "Kymriah", "tisagenlecleucel", "2019-03-26", "unknown", None),
    ("t:p-us", "FDA", "US", "North America", "PROVENGE", "sipuleucel-T", "2010-04-29", "unknown", None),
    ("t:p-eu", "EMA", "EU", "Europe", "Provenge", "sipuleucel-T", "2013-09-06", "withdrawn", "2015-05-06"),
    (
        "t:t-us",
        "FDA",
        "US",
        "North America",
        "TECELRA",
        "afamitresgene autoleucel",
        "2024-08-01",
        "unknown",
        None,
    ),
    (
        "t:a-us",
        "FDA",
        "US",
        "North America",
        "ABECMA",
        "idecabtagene vicleucel",
        "2021-03-26",
        "unknown",
        None,
    ),
    ("t:a-eu", "EMA", "EU", "Europe", "Abecma", "idecabtagene vicleucel", "2021-08-18", "authorised", None),
]
# brand, substance, site, role, country, supplies
SITES = [
    ("KYMRIAH", "tisagenlecleucel", "Plant US", "cell_processing", "US", "US"),
    ("KYMRIAH", "tisagenlecleucel", "Plant Kobe", "cell_processing", "JP", "JP"),
    ("KYMRIAH", "tisagenlecleucel", "Plant Stein", "cell_processing", "CH", None),
    ("KYMRIAH", "tisagenlecleucel", "Plant Leipzig", "cell_processing", "DE", None),
    ("KYMRIAH", "tisagenlecleucel", "Plant Leipzig", "batch_release", "DE", None),
    ("PROVENGE", "sipuleucel-T", "Plant Atlanta", "cell_processing", "US", "US EU"),
    ("TECELRA", "afamitresgene autoleucel", "Plant Philadelphia", "cell_processing", "US", None),
    ("ABECMA", "idecabtagene vicleucel", "Plant Summit", "cell_processing", "US", None),
]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    ensure_schema(connection)
    for record_id, agency, country, region, brand, substance, date, status, status_date in APPROVALS:
        connection.execute(
            "INSERT INTO approvals (record_id, approval_id, agency, country_code, region, brand_name, "
            "active_substance, approval_date, status, status_date, source_kind, source_url) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'curated', 'https://example.org/a')",
            [record_id, record_id, agency, country, region, brand, substance, date, status, status_date],
        )
    for index, (brand, substance, site, role, country, supplies) in enumerate(SITES):
        connection.execute(
            "INSERT INTO curated_manufacturing_sites (seed_id, site_row_id, brand_name, active_substance, "
            "site_name, site_operator, role, city, country_code, supplies, source_url, note, quote, as_of) "
            "VALUES ('manufacturing_sites:seed', ?, ?, ?, ?, 'Maker', ?, 'Town', ?, ?, "
            "'https://example.org/s', 'the page says so', 'The page says so.', '2024')",
            [f"{index:012d}", brand, substance, site, role, country, supplies],
        )
    # two CAR-T trials: one sponsored by the sites' operator, one by a hospital that runs no known site
    for trial_id, sponsor in (("NCT92000001", "Maker Therapeutics Inc."), ("NCT92000002", "City Hospital")):
        connection.execute(
            "INSERT INTO trials (trial_id, registry, source, title, start_date, enrollment, overall_status, "
            "last_update_date, lead_sponsor) VALUES (?, 'ctgov', 'ctgov', "
            "'Study of autologous CD19 CAR-T cells', '2024-01', 20, 'RECRUITING', '2025-01-01', ?)",
            [trial_id, sponsor],
        )
        connection.execute(
            "INSERT INTO trial_interventions (trial_id, intervention_index, name) "
            "VALUES (?, 1, 'Autologous CD19 CAR-T cells')",
            [trial_id],
        )
        connection.execute(
            "INSERT INTO trial_sites (trial_id, site_index, facility, country_code, region) "
            "VALUES (?, 1, 'site', 'FR', 'Europe')",
            [trial_id],
        )
    build_models(connection)
    yield connection
    connection.close()


def routes(con: duckdb.DuckDBPyConnection, brand: str) -> set[tuple]:
    return set(
        con.sql(
            "SELECT market, site_name, route_basis, is_current, route_ended_on FROM product_supply_routes "
            f"WHERE display_name ILIKE '{brand}%'"
        ).fetchall()
    )


def test_a_site_supplies_only_the_markets_stated_or_implied_by_its_role(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert routes(con, "kymriah") == {
        ("US", "Plant US", "stated", True, None),
        ("JP", "Plant Kobe", "stated", True, None),
        # the German batch-release site supplies the EU market, and so does its own cell processing
        ("EU", "Plant Leipzig", "implied by role", True, None),
    }
    # Stein is a known site, but no page says which market it supplies: on no route
    stein = con.sql("SELECT count(*) FROM product_supply_routes WHERE site_name = 'Plant Stein'").fetchall()
    assert stein == [(0,)]


def test_the_mart_puts_no_product_on_a_route_because_of_where_it_is_approved(
    con: duckdb.DuckDBPyConnection,
) -> None:
    mart = {
        (row[0], row[1]): row[2:]
        for row in con.sql(
            "SELECT approval_region, manufacturing_region, products, current_products, ended_products, "
            "stated_products, implied_products, product_names FROM mart_supply_routes"
        ).fetchall()
    }
    # Kymriah's Kobe site supplies Japan: Europe <- Asia-Pacific has no route
    assert ("Europe", "Asia-Pacific") not in mart
    assert ("Asia-Pacific", "North America") not in mart
    # Europe <- Europe: Kymriah by its release site's role; Europe <- North America: Provenge, stated, ended
    assert mart[("Europe", "Europe")][:5] == (1, 1, 0, 0, 1)
    assert mart[("Europe", "North America")][:5] == (1, 0, 1, 1, 0)
    assert "Provenge" in mart[("Europe", "North America")][5].title()


def test_a_withdrawn_authorisation_ends_its_routes_at_its_date(con: duckdb.DuckDBPyConnection) -> None:
    assert routes(con, "provenge") == {
        ("US", "Plant Atlanta", "stated", True, None),
        ("EU", "Plant Atlanta", "stated", False, "2015-05-06"),
    }
    status = con.sql(
        "SELECT DISTINCT authorisation_status FROM product_supply_routes WHERE market = 'EU' "
        "AND display_name ILIKE 'provenge%'"
    ).fetchall()
    assert status == [("withdrawn",)]


def test_a_product_with_one_market_is_supplied_by_its_sites_and_says_so(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert routes(con, "tecelra") == {("US", "Plant Philadelphia", "only market", True, None)}


def test_a_product_no_site_is_stated_to_supply_is_counted_as_not_stated(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Abecma has a known US site, but no page says which market it supplies and it has two markets
    assert routes(con, "abecma") == {
        ("US", None, "not stated", True, None),
        ("EU", None, "not stated", True, None),
    }
    rows = con.sql(
        "SELECT approval_region, products, products_with_sites, product_names FROM mart_supply_routes "
        "WHERE manufacturing_region IS NULL ORDER BY approval_region"
    ).fetchall()
    assert [row[:3] for row in rows] == [("Europe", 1, 1), ("North America", 1, 1)]
    assert all("ABECMA" in row[3].upper() for row in rows)
    every = con.sql("SELECT count(DISTINCT (product_id, market)) FROM product_supply_routes").fetchall()[0][0]
    assert every == 8  # every product x market is on the table, routed or not


def test_a_trial_is_placed_where_its_sponsor_makes_things_else_not_known(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.sql(
        "SELECT lead_sponsor, manufacturing_region, basis FROM trial_manufacturing_region "
        "ORDER BY lead_sponsor, manufacturing_region"
    ).fetchall()
    # the operator "Maker" has making sites in the US, Japan, Switzerland and Germany: three regions, each
    # stated as an estimate with its basis; the trial's own sites (France) say nothing about where it is made
    assert rows == [
        ("City Hospital", None, "not known"),
        ("Maker Therapeutics Inc.", "Asia-Pacific", "sponsor's own site"),
        ("Maker Therapeutics Inc.", "Europe", "sponsor's own site"),
        ("Maker Therapeutics Inc.", "North America", "sponsor's own site"),
    ]
    assert con.sql("SELECT bool_and(is_estimate) FROM trial_manufacturing_region").fetchall() == [(True,)]
