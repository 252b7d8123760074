"""Honest marts on small hand-written records: probable duplicate registrations linked with their evidence
and counted once, undated trials on their own row, and every share beside its numerator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cgt_atlas.landing import new_run_id
from cgt_atlas.report import build_report
from tests.conftest import shared_path
from tests.helpers import query
from tests.registry_helpers import load_replay
from warehouse.load import build_models, ensure_schema

# trial_id, title, lead sponsor, sponsor class, start date, enrolment, phase, status,
# interventions, conditions, sites (facility, country code, region)
RECORDS = [
    # One protocol registered twice by its sponsor, a month apart (spelling of the sponsor varies).
    (
        "NCT90000001",
        "Dual-Target CAR-NK Cells in Relapsed SCLC",
        "Beijing Biotech Co., Ltd.",
        "INDUSTRY",
        "2026-02-02",
        60,
        "PHASE1/PHASE2",
        "RECRUITING",
        ["EB-NK01", "Lymphodepleting chemotherapy"],
        ["Small Cell Lung Cancer"],
        [("Peking University Shenzhen Hospital", "CN", "Asia-Pacific")],
    ),
    (
        "NCT90000002",
        "Dual-target CAR-NK cells in relapsed SCLC",
        "Beijing Biotech",
        "INDUSTRY",
        "2026-03-02",
        60,
        "PHASE1/PHASE2",
        "RECRUITING",
        ["EB-NK01 (DLL3 CAR-NK)", "Lymphodepleting chemotherapy"],
        ["Small Cell Lung Cancer"],
        [("Peking University Shenzhen Hospital", "CN", "Asia-Pacific")],
    ),
    # A generic title one hospital reuses: different enrolment, so two trials.
    (
        "NCT90000003",
        "CAR-T Cell Therapy for B-cell Lymphoma",
        "City Hospital",
        "OTHER",
        "2019-01-10",
        20,
        "PHASE1",
        "COMPLETED",
        ["CD19 CAR-T cells"],
        ["B-cell Lymphoma"],
        [("City Hospital", "CN", "Asia-Pacific")],
    ),
    (
        "NCT90000004",
        "CAR-T cell therapy for B-cell lymphoma",
        "City Hospital",
        "OTHER",
        "2019-06-01",
        60,
        "PHASE1",
        "COMPLETED",
        ["CD19 CAR-T cells"],
        ["B-cell Lymphoma"],
        [("City Hospital", "CN", "Asia-Pacific")],
    ),
    # The same generic title, same enrolment, but another product for another disease: two trials.
    (
        "NCT90000005",
        "CAR-T Cell Therapy for B-cell Lymphoma",
        "City Hospital",
        "OTHER",
        "2019-03-01",
        20,
        "PHASE1",
        "COMPLETED",
        ["CD22 CAR-T cells"],
        ["Mantle Cell Lymphoma"],
        [("City Hospital", "CN", "Asia-Pacific")],
    ),
    # Same title and sponsor, started three years later: a new trial.
    (
        "NCT90000006",
        "CAR-T Cell Therapy for B-cell Lymphoma",
        "City Hospital",
        "OTHER",
        "2022-05-01",
        20,
        "PHASE1",
        "RECRUITING",
        ["CD19 CAR-T cells"],
        ["B-cell Lymphoma"],
        [("City Hospital", "CN", "Asia-Pacific")],
    ),
    # Ph+ and Ph- are two trials, though their titles differ only by the sign.
    (
        "NCT90000007",
        "Sequential CAR-T for Newly Diagnosed Ph+ B-ALL",
        "Zhejiang University",
        "OTHER",
        "2021-01-31",
        30,
        "PHASE2",
        "RECRUITING",
        ["CD19/CD22 CAR-T cells"],
        ["B-ALL"],
        [("First Affiliated Hospital", "CN", "Asia-Pacific")],
    ),
    (
        "NCT90000008",
        "Sequential CAR-T for Newly Diagnosed Ph- B-ALL",
        "Zhejiang University",
        "OTHER",
        "2021-03-05",
        30,
        "PHASE2",
        "RECRUITING",
        ["CD19/CD22 CAR-T cells"],
        ["B-ALL"],
        [("First Affiliated Hospital", "CN", "Asia-Pacific")],
    ),
    # A company and its hospital each register the protocol: same day, enrolment, site and product.
    (
        "NCT90000009",
        "An Evaluation of LY007 Cell Injection for r/r B-NHL",
        "Longyao Biotechnology Inc.",
        "INDUSTRY",
        "2021-12-25",
        18,
        "PHASE1",
        "RECRUITING",
        ["LY007"],
        ["B-NHL"],
        [("Ruijin Hospital", "CN", "Asia-Pacific")],
    ),
    (
        "NCT90000010",
        "An Evaluation of LY007 Cell Injection for r/r B-NHL",
        "Ruijin Hospital",
        "OTHER",
        "2021-12-25",
        18,
        "PHASE1",
        "RECRUITING",
        ["LY007"],
        ["B-NHL"],
        [("Ruijin Hospital", "CN", "Asia-Pacific")],
    ),
    # The same title at another hospital on another day: that hospital's own trial.
    (
        "NCT90000011",
        "An Evaluation of LY007 Cell Injection for r/r B-NHL",
        "Tianjin Cancer Hospital",
        "OTHER",
        "2022-04-01",
        18,
        "PHASE1",
        "RECRUITING",
        ["LY007"],
        ["B-NHL"],
        [("Tianjin Cancer Hospital", "CN", "Asia-Pacific")],
    ),
    # No start date anywhere: counted on the undated row.
    (
        "NCT90000012",
        "Anti-BCMA CAR-T Cells in Myeloma",
        "Acme Cell Therapeutics",
        "INDUSTRY",
        None,
        12,
        "PHASE1",
        "UNKNOWN",
        ["Anti-BCMA CAR-T cells"],
        ["Multiple Myeloma"],
        [("Boston Center", "US", "North America")],
    ),
    (
        "NCT90000013",
        "Anti-CD19 CAR-T Cells in Lymphoma",
        "Boston Academic Center",
        "OTHER",
        "2024-05-01",
        12,
        "PHASE1",
        "RECRUITING",
        ["Anti-CD19 CAR-T cells"],
        ["Lymphoma"],
        [("Boston Center", "US", "North America")],
    ),
]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """The hand-written records in an in-memory warehouse, models built as a load builds them."""
    connection = duckdb.connect()
    ensure_schema(connection)
    for (
        trial_id,
        title,
        sponsor,
        sponsor_class,
        start,
        enrolment,
        phase,
        status,
        drugs,
        conditions,
        sites,
    ) in RECORDS:
        connection.execute(
            "INSERT INTO trials (trial_id, registry, source, title, lead_sponsor, lead_sponsor_class, "
            "start_date, enrollment, phase, overall_status, study_type) "
            "VALUES (?, 'ctgov', 'ctgov', ?, ?, ?, ?, ?, ?, ?, 'INTERVENTIONAL')",
            [trial_id, title, sponsor, sponsor_class, start, enrolment, phase, status],
        )
        for index, drug in enumerate(drugs, start=1):
            connection.execute(
                "INSERT INTO trial_interventions (trial_id, intervention_index, intervention_type, name) "
                "VALUES (?, ?, 'BIOLOGICAL', ?)",
                [trial_id, index, drug],
            )
        for condition in conditions:
            connection.execute(
                "INSERT INTO trial_conditions (trial_id, condition) VALUES (?, ?)", [trial_id, condition]
            )
        for index, (facility, country_code, region) in enumerate(sites, start=1):
            connection.execute(
                "INSERT INTO trial_sites (trial_id, site_index, facility, country_code, region) "
                "VALUES (?, ?, ?, ?, ?)",
                [trial_id, index, facility, country_code, region],
            )
        connection.execute(
            "INSERT INTO trial_sponsors (trial_id, name, sponsor_class, role) VALUES (?, ?, ?, 'lead')",
            [trial_id, sponsor, sponsor_class],
        )
    # ICTRP's copy of the first record: one trial with it by the NCT number, never a pair of its own.
    connection.execute(
        "INSERT INTO trials (trial_id, registry, source, title, lead_sponsor, start_date, enrollment) "
        "VALUES ('ICTRP-NCT90000001', 'ctgov', 'ictrp', 'Dual-Target CAR-NK Cells in Relapsed SCLC', "
        "'Beijing Biotech', '2026-02-02', 60)"
    )
    connection.execute("INSERT INTO ictrp_records (trial_id) VALUES ('ICTRP-NCT90000001')")
    connection.execute(
        "INSERT INTO trial_conditions (trial_id, condition) "
        "VALUES ('ICTRP-NCT90000001', 'Small Cell Lung Cancer')"
    )
    build_models(connection)
    yield connection
    connection.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def test_probable_duplicates_are_linked_with_their_rule_and_evidence(con: duckdb.DuckDBPyConnection) -> None:
    pairs = _rows(con, "SELECT trial_id, linked_trial_id, rule FROM probable_duplicates ORDER BY ALL")
    assert pairs == [
        ("NCT90000001", "NCT90000002", "same_sponsor"),
        ("NCT90000009", "NCT90000010", "same_day_and_site"),
    ]
    evidence = _rows(con, "SELECT evidence FROM probable_duplicates WHERE trial_id = 'NCT90000001'")[0][0]
    assert "(28 days)" in evidence and "enrolment 60 / 60" in evidence
    assert "interventions in common: lymphodepleting chemotherapy" in evidence
    links = _rows(
        con,
        "SELECT trial_id, linked_trial_id, matched_on, link_kind FROM trial_links "
        "WHERE link_kind = 'probable_duplicate' ORDER BY ALL",
    )
    assert [(a, b) for a, b, _, _ in links] == [
        ("NCT90000001", "NCT90000002"),
        ("NCT90000002", "NCT90000001"),
        ("NCT90000009", "NCT90000010"),
        ("NCT90000010", "NCT90000009"),
    ]
    assert {matched_on for _, _, matched_on, _ in links} == {"PROBABLE_DUPLICATE"}


def test_generic_titles_and_near_duplicates_stay_apart(con: duckdb.DuckDBPyConnection) -> None:
    linked = {
        trial
        for pair in _rows(con, "SELECT trial_id, linked_trial_id FROM probable_duplicates")
        for trial in pair
    }
    # other enrolment, other product and disease, three years later, Ph+ vs Ph-, another hospital's trial
    for trial_id in (
        "NCT90000003",
        "NCT90000004",
        "NCT90000005",
        "NCT90000006",
        "NCT90000007",
        "NCT90000008",
        "NCT90000011",
    ):
        assert trial_id not in linked, trial_id


def test_a_duplicate_set_counts_once_and_the_rule_can_be_left_out(con: duckdb.DuckDBPyConnection) -> None:
    clusters = _rows(
        con,
        "SELECT cluster_id, list(trial_id ORDER BY trial_id), "
        "list(DISTINCT registry_cluster_id ORDER BY registry_cluster_id) FROM trial_clusters "
        "GROUP BY cluster_id HAVING count(*) > 1 ORDER BY cluster_id",
    )
    assert clusters == [
        ("NCT90000001", ["ICTRP-NCT90000001", "NCT90000001", "NCT90000002"], ["NCT90000001", "NCT90000002"]),
        ("NCT90000009", ["NCT90000009", "NCT90000010"], ["NCT90000009", "NCT90000010"]),
    ]
    china = _rows(
        con,
        "SELECT sum(trials_started), sum(duplicate_registrations) FROM mart_country_activity "
        "WHERE country_code = 'CN'",
    )
    assert china == [(9, 2)]  # 11 registrations, two of them merged as probable duplicates
    without_rule = _rows(
        con,
        "SELECT count(DISTINCT registry_cluster_id) FROM trial_clusters JOIN trial_sites USING (trial_id) "
        "WHERE country_code = 'CN'",
    )
    assert without_rule == [(11,)]
    regional = _rows(
        con,
        "SELECT sum(trials_started), sum(duplicate_registrations) FROM mart_regional_activity "
        "WHERE region = 'Asia-Pacific'",
    )
    assert regional == china


@pytest.mark.parametrize(
    ("mart", "place"),
    [
        ("mart_country_activity", "country_code = 'US'"),
        ("mart_regional_activity", "region = 'North America'"),
        ("mart_manufacturing_demand", "region = 'North America'"),
    ],
)
def test_undated_trials_have_their_own_row(con: duckdb.DuckDBPyConnection, mart: str, place: str) -> None:
    year = "year" if mart == "mart_manufacturing_demand" else "start_year"
    counted = "trials_active" if mart == "mart_manufacturing_demand" else "trials_started"
    undated = _rows(con, f"SELECT sum({counted}) FROM {mart} WHERE {place} AND {year} IS NULL")
    assert undated == [(1,)]


def test_every_share_sums_back_from_its_numerator(con: duckdb.DuckDBPyConnection) -> None:
    for mart in ("mart_country_activity", "mart_regional_activity"):
        rows = _rows(
            con,
            f"SELECT industry_share, industry_trials, trials_started FROM {mart} WHERE trials_started > 0",
        )
        assert rows
        for share, numerator, denominator in rows:
            assert share == round(numerator / denominator, 4)
    china = _rows(
        con,
        "SELECT sum(industry_trials), sum(trials_started) FROM mart_country_activity "
        "WHERE country_code = 'CN'",
    )
    assert china == [(2, 9)]  # Beijing Biotech (once) and Longyao (with Ruijin's copy) lead industry trials


# --- on the replay ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replay_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The replay's trial sources loaded through the same steps as the flow (no Prefect)."""
    replay = shared_path("replay")
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(data))
        load_replay(
            replay, data / "atlas.duckdb", ["ctgov", "euctr", "ictrp", "ema", "curated"], new_run_id()
        )
    return data / "atlas.duckdb"


def test_replay_duplicates_found_and_counted_once(replay_db: Path) -> None:
    pairs = set(query(replay_db, "SELECT trial_id, linked_trial_id FROM probable_duplicates"))
    # Beijing Biotech's two CAR-NK protocols, each registered twice a month apart
    assert {("NCT07480213", "NCT07744256"), ("NCT07480941", "NCT07551336")} <= pairs
    # IM19: same title and sponsor, but 58 vs 9 patients and another phase: two trials
    assert ("NCT05309213", "NCT05480501") not in pairs
    clusters, without_rule = query(
        replay_db,
        "SELECT count(DISTINCT cluster_id), count(DISTINCT registry_cluster_id) FROM trial_clusters",
    )[0]
    assert clusters == without_rule - len(pairs)  # each replay pair is a set of two
    started, merged = query(
        replay_db,
        "SELECT sum(trials_started), sum(duplicate_registrations) FROM (SELECT trials_started, "
        "duplicate_registrations FROM mart_country_activity UNION ALL SELECT trials_started, "
        "duplicate_registrations FROM mart_activity_no_site)",
    )[0]
    assert merged > 0
    assert (
        started + merged
        == query(
            replay_db,
            # a cluster listing no site counts in mart_activity_no_site, once per registration
            "SELECT count(*) FROM (SELECT DISTINCT registry_cluster_id, marts.country_code "
            "FROM trial_clusters LEFT JOIN trial_sites AS sites USING (trial_id) "
            "JOIN mart_cluster_countries AS marts USING (cluster_id) "
            "WHERE marts.country_code IS NOT DISTINCT FROM sites.country_code "
            "AND is_counted)",
        )[0][0]
    )


def test_replay_undated_trials_are_counted_not_dropped(replay_db: Path) -> None:
    undated_clusters = query(
        replay_db,
        "SELECT count(*) FROM mart_cluster_countries WHERE start_year IS NULL AND is_counted",
    )[0][0]
    assert undated_clusters > 100
    assert query(
        replay_db,
        "SELECT (SELECT sum(trials_started) FROM mart_country_activity WHERE start_year IS NULL) "
        "+ (SELECT sum(trials_started) FROM mart_activity_no_site WHERE start_year IS NULL)",
    ) == [(undated_clusters,)]
    assert query(
        replay_db, "SELECT sum(trials_started) > 0 FROM mart_regional_activity WHERE start_year IS NULL"
    ) == [(True,)]
    page = build_report(replay_db)
    assert "undated (no start date)" in page and "is partial" in page
