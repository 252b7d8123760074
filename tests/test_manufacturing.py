"""The manufacturing model and mart_manufacturing_demand (issue 11) on hand-written records: trials active
across years, patients allocated by site share, per-patient batches, defaults counted, reproducible; and the
sites and supply-route marts on the replay (they need ../shared: skipped, with the reason, without it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cgt_atlas.landing import new_run_id
from cgt_atlas.settings import MODELS_DIR
from tests.conftest import shared_path
from tests.helpers import query
from tests.registry_helpers import link_folder, load_replay
from warehouse.load import build_models, ensure_schema

# trial_id, intervention, start, completion, enrolment, status, last update, sites (country code, region)
RECORDS = [
    # Autologous by its words, 2 sites in the US and 2 in Germany, 2020-2022: 90 patients, 30 a year.
    (
        "NCT91000001",
        "Autologous CD19 CAR-T cells",
        "2020-03",
        "2022-10",
        120,
        "COMPLETED",
        "2026-05-01",
        [("US", "North America"), ("US", "North America"), ("DE", "Europe"), ("DE", "Europe")],
    ),
    # CAR-T with no marker: autologous by default; no completion date, still recruiting: to the as-of year.
    (
        "NCT91000002",
        "BCMA CAR-T cells",
        "2025-01",
        None,
        30,
        "RECRUITING",
        "2025-11-01",
        [("CN", "Asia-Pacific")],
    ),
    # Allogeneic: a batch model, no batches per patient.
    (
        "NCT91000003",
        "Allogeneic CD19 CAR-T (UCART19)",
        "2024-06",
        "2025-06",
        40,
        "ACTIVE_NOT_RECRUITING",
        "2025-07-01",
        [("FR", "Europe")],
    ),
    # An AAV gene therapy: viral-vector batch.
    (
        "NCT91000004",
        "AAV9 gene therapy",
        "2023-01",
        "2023-12",
        12,
        "COMPLETED",
        "2024-01-01",
        [("US", "North America")],
    ),
    # Withdrawn: not counted. Undated: counted on the year-NULL row.
    (
        "NCT91000005",
        "Autologous CD19 CAR-T cells",
        "2024-01",
        None,
        0,
        "WITHDRAWN",
        "2024-02-01",
        [("US", "North America")],
    ),
    (
        "NCT91000006",
        "Autologous CD19 CAR-T cells",
        None,
        None,
        10,
        "UNKNOWN",
        "2019-02-01",
        [("US", "North America")],
    ),
    # A drug study in CAR-T recipients: population, not manufacturing demand.
    (
        "NCT91000007",
        "Tocilizumab",
        "2024-01",
        "2024-12",
        50,
        "COMPLETED",
        "2025-01-01",
        [("US", "North America")],
    ),
    # Active, not recruiting, no completion date: an assumed 3 years (2018-2020), not stretched to the as-of
    # year.
    (
        "NCT91000008",
        "Autologous CD19 CAR-T cells",
        "2018-01",
        None,
        60,
        "ACTIVE_NOT_RECRUITING",
        "2026-03-01",
        [("BR", "Latin America")],
    ),
    # Not yet recruiting: planned demand, counted apart, never as patients treated.
    (
        "NCT91000009",
        "Autologous BCMA CAR-T cells",
        "2026-10",
        "2028-12",
        30,
        "NOT_YET_RECRUITING",
        "2026-04-01",
        [("IL", "Middle East & Africa")],
    ),
]
TITLES = {"NCT91000007": "Tocilizumab for Cytokine Release Syndrome After CAR-T Therapy"}


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    ensure_schema(connection)
    for trial_id, drug, start, end, enrolment, status, updated, sites in RECORDS:
        connection.execute(
            "INSERT INTO trials (trial_id, registry, source, title, start_date, completion_date, "
            "enrollment, overall_status, last_update_date, lead_sponsor) "
            "VALUES (?, 'ctgov', 'ctgov', ?, ?, ?, ?, ?, ?, 'X')",
            [trial_id, TITLES.get(trial_id, f"Study of {drug}"), start, end, enrolment, status, updated],
        )
        connection.execute(
            "INSERT INTO trial_interventions (trial_id, intervention_index, name) VALUES (?, 1, ?)",
            [trial_id, drug],
        )
        for index, (country_code, region) in enumerate(sites, start=1):
            connection.execute(
                "INSERT INTO trial_sites (trial_id, site_index, facility, country_code, region) "
                "VALUES (?, ?, ?, ?, ?)",
                [trial_id, index, f"site {index}", country_code, region],
            )
    build_models(connection)
    yield connection
    connection.close()


def demand(con: duckdb.DuckDBPyConnection, where: str) -> list[tuple]:
    return con.sql(
        "SELECT region, year, manufacturing_model, trials_active, planned_patients, patients_per_year, "
        f"patient_batches_per_year, trials_cell_source_default FROM mart_manufacturing_demand WHERE {where} "
        "ORDER BY region, year, manufacturing_model"
    ).fetchall()


def test_models_follow_modality_and_cell_source(con: duckdb.DuckDBPyConnection) -> None:
    models = dict(con.sql("SELECT trial_id, manufacturing_model FROM trial_manufacturing").fetchall())
    assert models["NCT91000001"] == "autologous per-patient"
    assert models["NCT91000002"] == "autologous per-patient"
    assert models["NCT91000003"] == "allogeneic batch"
    assert models["NCT91000004"] == "viral-vector batch"
    basis = dict(con.sql("SELECT trial_id, cell_source_basis FROM trial_manufacturing").fetchall())
    assert (basis["NCT91000001"], basis["NCT91000002"]) == ("explicit", "default")


def test_patients_are_allocated_by_site_share_and_spread_over_active_years(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = demand(con, "manufacturing_model = 'autologous per-patient' AND region = 'Europe'")
    assert rows == [
        ("Europe", 2020, "autologous per-patient", 1, 60.0, 20.0, 20.0, 0),
        ("Europe", 2021, "autologous per-patient", 1, 60.0, 20.0, 20.0, 0),
        ("Europe", 2022, "autologous per-patient", 1, 60.0, 20.0, 20.0, 0),
    ]


def test_a_recruiting_trial_without_completion_runs_to_the_as_of_year_only(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = demand(con, "region = 'Asia-Pacific'")
    # started 2025, no completion date, recruiting: runs to the as-of year (2026), no further
    assert [row[1] for row in rows] == [2025, 2026]
    assert all(row[7] == 1 and row[5] == 10.0 for row in rows)  # 30 over the assumed 3 years
    flags = con.sql(
        "SELECT year, is_projection, is_partial_year, as_of_year, as_of_date FROM mart_manufacturing_demand "
        "WHERE region = 'Asia-Pacific' ORDER BY year"
    ).fetchall()
    assert flags == [(2025, False, False, 2026, "2026-05-01"), (2026, False, True, 2026, "2026-05-01")]


def test_an_active_status_does_not_stretch_a_trial_to_the_as_of_year(con: duckdb.DuckDBPyConnection) -> None:
    rows = demand(con, "region = 'Latin America'")
    assert [(row[1], row[3], row[5]) for row in rows] == [(2018, 1, 20.0), (2019, 1, 20.0), (2020, 1, 20.0)]


def test_not_yet_recruiting_trials_are_planned_demand_counted_apart(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.sql(
        "SELECT year, trials_active, planned_patients, patients_per_year, trials_not_yet_recruiting, "
        "not_yet_recruiting_patients_per_year, is_projection FROM mart_manufacturing_demand "
        "WHERE region = 'Middle East & Africa' ORDER BY year"
    ).fetchall()
    assert rows == [
        (2026, 0, 0, 0, 1, 10.0, False),
        (2027, 0, 0, 0, 1, 10.0, True),
        (2028, 0, 0, 0, 1, 10.0, True),
    ]


def test_batch_models_have_no_per_patient_batches(con: duckdb.DuckDBPyConnection) -> None:
    rows = demand(con, "manufacturing_model IN ('allogeneic batch', 'viral-vector batch')")
    assert rows and all(row[6] is None for row in rows)


def test_withdrawn_population_and_undated_trials(con: duckdb.DuckDBPyConnection) -> None:
    us = demand(con, "region = 'North America' AND manufacturing_model = 'autologous per-patient'")
    years = {row[1] for row in us}
    assert 2024 not in years  # the withdrawn trial and the drug study in CAR-T recipients add nothing
    undated = [row for row in us if row[1] is None]
    assert undated == [("North America", None, "autologous per-patient", 1, 10.0, None, None, 0)]


def test_the_mart_does_not_depend_on_the_day() -> None:
    sql = (MODELS_DIR / "marts" / "mart_manufacturing_demand.sql").read_text(encoding="utf-8").lower()
    assert "current_date" not in sql and "now()" not in sql and "today" not in sql


@pytest.fixture(scope="module")
def replay_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The replay plus the curated seeds, loaded through the same steps as the flow (no Prefect)."""
    replay = shared_path("replay")  # skips with the reason when ../shared is missing
    establishments = sorted(shared_path("samples", "fda_establishments").glob("*.xlsx"))
    data = tmp_path_factory.mktemp("data")
    folder = link_folder(
        tmp_path_factory.mktemp("replay"),
        {
            **{source: sorted((replay / source).iterdir()) for source in ("ctgov", "euctr", "ictrp", "ema")},
            "fda_establishments": establishments,
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(data))
        load_replay(
            folder,
            data / "atlas.duckdb",
            [
                "ctgov",
                "euctr",
                "ictrp",
                "ema",
                "curated",
                "organisations",
                "manufacturing_sites",
                "fda_establishments",
            ],
            new_run_id(),
        )
    return data / "atlas.duckdb"


def test_supply_routes_on_the_replay_are_stated_and_drop_no_product(replay_db: Path) -> None:
    routes = query(
        replay_db,
        "SELECT approval_region, manufacturing_region, is_cross_region, products, product_names "
        "FROM mart_supply_routes",
    )
    assert any(cross and products > 0 for _, _, cross, products, _ in routes)
    # Kymriah's Kobe and Yescarta's Shanghai sites supply Asia, not Europe (issue 20)
    europe_from_asia = [r for r in routes if r[0] == "Europe" and r[1] == "Asia-Pacific"]
    assert not europe_from_asia or not any(
        name in europe_from_asia[0][4].upper() for name in ("KYMRIAH", "YESCARTA")
    )
    # made in North America, stated to supply Europe: Yescarta's El Segundo plant among them
    europe_from_na = [r for r in routes if r[0] == "Europe" and r[1] == "North America"]
    assert europe_from_na and "Yescarta" in europe_from_na[0][4]  # display names as people write them
    # every approved product x region is on a route or on the region's 'not stated' row
    approved = query(replay_db, "SELECT count(DISTINCT (product_id, region)) FROM product_first_approvals")[
        0
    ][0]
    on_routes = query(
        replay_db, "SELECT count(DISTINCT (product_id, approval_region)) FROM product_supply_routes"
    )[0][0]
    assert on_routes == approved
    ended = query(
        replay_db,
        "SELECT count(*) FROM product_supply_routes WHERE NOT is_current AND route_basis <> 'not stated' "
        "AND route_ended_on IS NOT NULL",
    )[0][0]
    assert ended >= 1  # EMA's withdrawn authorisations end their routes


def test_manufacturing_sites_mart_on_the_replay(replay_db: Path) -> None:
    regions = query(replay_db, "SELECT count(DISTINCT region) FROM mart_manufacturing_sites")[0][0]
    assert regions >= 3
    products = query(replay_db, "SELECT count(DISTINCT product_id) FROM manufacturing_sites")[0][0]
    assert products >= 25
    us = query(
        replay_db,
        "SELECT product_names FROM mart_manufacturing_sites WHERE country_code = 'US'",
    )[0][0]
    assert "KYMRIAH" in us.upper() and "YESCARTA" in us.upper()
    assert query(
        replay_db, "SELECT count(*) FROM manufacturing_sites WHERE source_url NOT LIKE 'https://%'"
    ) == [(0,)]
    registered = query(
        replay_db,
        "SELECT sum(registered_cgt_org_sites), sum(registered_manufacture), count(DISTINCT region) "
        "FILTER (WHERE registered_cgt_org_sites > 0) FROM mart_manufacturing_sites",
    )[0]
    assert registered[0] > 50 and registered[1] > 0 and registered[2] >= 3
    sure = query(
        replay_db,
        "SELECT count(DISTINCT establishment_id) FROM establishment_matches "
        "WHERE confidence = 'sure' AND counts_as_cgt_site AND is_best_match",
    )[0][0]
    assert registered[0] == sure  # every counted establishment is on its country's row, once


def test_registered_establishments_are_kept_to_cgt_and_say_what_they_leave_out(replay_db: Path) -> None:
    kept = query(
        replay_db,
        "SELECT firm_name, cgt_basis, operations FROM establishment_matches WHERE is_cgt_registration "
        "AND is_best_match",
    )
    assert kept and all(basis == "curated CGT site" for _, basis, _ in kept)
    firms = " | ".join(firm.upper() for firm, _, _ in kept)
    # general pharma plants of CGT-active firms are not CGT registrations (issue 20)
    assert "PHARMACIA HEPAR" not in firms and "IPR PHARMACEUTICALS" not in firms and "SCHENKER" not in firms
    assert all("PARTICLE SIZE REDUCTION" not in operations for _, _, operations in kept)
    # each kept registration is in a city where a curated CGT site of its operator is
    unplaced = query(
        replay_db,
        "SELECT count(*) FROM establishment_matches AS m JOIN establishments AS e USING (establishment_id) "
        "WHERE m.is_cgt_registration AND NOT EXISTS (SELECT 1 FROM manufacturing_sites AS s "
        "WHERE s.country_code = e.country_code AND s.city IS NOT NULL "
        "AND lower(e.address) LIKE '%' || lower(s.city) || '%')",
    )
    assert unplaced == [(0,)]
    rows = query(
        replay_db,
        "SELECT sum(registered_cgt_org_sites), sum(registered_cgt_sites), sum(registered_left_out), "
        "max(registered_cgt_sites) FILTER (WHERE country_code = 'IE') FROM mart_manufacturing_sites",
    )[0]
    assert rows[1] < rows[0] and rows[0] == rows[1] + rows[2]
    assert rows[3] == 0  # Ireland's registrations are all general pharma plants of CGT-active firms
