"""Linking records of one trial across registries, and loading them idempotently."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, shared_path
from helpers import query
from registry_helpers import link_folder, load_replay

LINKED = {
    "ctgov": [FIXTURES / "ctgov" / "linked_study.json"],
    "euctr": [FIXTURES / "euctr" / "edge_cases.txt"],
    "ictrp": [FIXTURES / "ictrp" / "edge_cases.xml"],
}


def test_ids_in_different_fields_and_formats_make_one_cluster(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_replay(link_folder(tmp_path, LINKED), db, list(LINKED), "run1")
    links = set(query(db, "SELECT trial_id, linked_trial_id, matched_on, shared_id FROM trial_links"))
    # EudraCT number inside a ctgov secondary id typed OTHER ("EudraCT No. ...")
    assert ("NCT01234567", "2015-001234-12", "EUDRACT", "2015-001234-12") in links
    # NCT number in EUCTR A.5.2
    assert ("2015-001234-12", "NCT01234567", "NCT", "NCT01234567") in links
    # "nct 01234567" in an ICTRP Secondary_ID, and the ICTRP copy's own id
    assert ("ACTRN12615000123456", "ICTRP-NCT01234567", "NCT", "NCT01234567") in links
    # JPRN- prefix in one register, bare jRCT number in the other
    assert ("KCT0001234", "JPRN-jRCT2031200001", "REGISTRY", "JRCT2031200001") in links
    assert all((b, a, kind, shared) in links for a, b, kind, shared in links)  # both directions
    clusters = query(
        db,
        "SELECT cluster_id, list(trial_id ORDER BY preference), list(is_preferred ORDER BY preference) "
        "FROM trial_clusters GROUP BY cluster_id HAVING count(*) > 1 ORDER BY cluster_id",
    )
    assert clusters == [
        (
            "JPRN-jRCT2031200001",
            ["JPRN-jRCT2031200001", "KCT0001234"],
            [True, False],
        ),
        (
            "NCT01234567",  # the native ClinicalTrials.gov record is preferred
            ["NCT01234567", "2015-001234-12", "ICTRP-NCT01234567", "ACTRN12615000123456"],
            [True, False, False, False],
        ),
    ]
    assert query(db, "SELECT count(*) FROM trials")[0][0] == 8
    assert query(db, "SELECT count(DISTINCT cluster_id) FROM trial_clusters")[0][0] == 4


def test_marts_count_each_trial_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_replay(link_folder(tmp_path, LINKED), db, list(LINKED), "run1")
    germany = query(
        db, "SELECT sum(trials_started), sum(sites) FROM mart_country_activity WHERE country_code = 'DE'"
    )
    # NCT01234567 (1 site in DE), its EUCTR record (DE member state) and ICTRP copy (DE): one trial
    assert germany == [(1, 1)]
    us = query(
        db, "SELECT start_year, trials_started, sites FROM mart_country_activity WHERE country_code = 'US'"
    )
    assert us == [(2015, 1, 2)]  # the ctgov record's two US sites, not three
    europe = query(db, "SELECT sum(trials_started) FROM mart_regional_activity WHERE region = 'Europe'")
    assert europe == [(1,)]
    asia = query(db, "SELECT sum(trials_started) FROM mart_regional_activity WHERE region = 'Asia-Pacific'")
    # the CAR-T trial (JP via EUCTR, AU/NZ via ANZCTR), ChiCTR, CTRI, and the KCT/jRCT pair (one trial, in the
    # activity mart only while the classifier calls its NK cells CGT: the marts count CGT trials only)
    clusters = query(
        db,
        "SELECT count(DISTINCT cluster_id), count(DISTINCT cluster_id) FILTER (WHERE is_counted) "
        "FROM mart_cluster_countries WHERE region = 'Asia-Pacific'",
    )
    assert clusters[0][0] == 4 and asia == [(clusters[0][1],)] and clusters[0][1] >= 3


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    replay = link_folder(tmp_path, LINKED)
    tables = [
        "trials",
        "trial_sites",
        "trial_ids",
        "trial_links",
        "trial_clusters",
        "quarantine",
        "mart_country_activity",
        "mart_regional_activity",
        "euctr_member_states",
        "ictrp_records",
    ]
    count_sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    load_replay(replay, db, list(LINKED), "run1")
    first = query(db, count_sql)
    marts = query(db, "SELECT * FROM mart_country_activity")
    changed = load_replay(replay, db, list(LINKED), "run2")
    assert query(db, count_sql) == first
    assert query(db, "SELECT * FROM mart_country_activity") == marts
    # nothing is rewritten, not even records with a quarantined row (the "Atlantis" countries)
    assert {source: counts["changed"] for source, counts in changed.items()} == {
        source: 0 for source in changed
    }


def test_genuine_samples_load_together(tmp_path: Path) -> None:
    replay = link_folder(
        tmp_path,
        {
            "euctr": [
                shared_path("samples", "euctr", "raw_text", "euctr_full_download_sample__ctrdata_946fc6d.txt")
            ],
            "ictrp": [shared_path("samples", "ictrp", "ICTRP-Results_export_2024-06-09.xml")],
        },
    )
    db = tmp_path / "w.duckdb"
    load_replay(replay, db, ["euctr", "ictrp"], "run1")
    assert query(db, "SELECT count(DISTINCT registry) FROM trials")[0][0] == 8
    assert query(db, "SELECT count(*) FROM trial_sites WHERE region IS NULL")[0][0] == 0
    multi = query(
        db,
        "SELECT count(*) FROM (SELECT cluster_id FROM trial_clusters GROUP BY 1"
        " HAVING count(DISTINCT registry) > 1)",
    )
    assert multi == [(8,)]
    # the five ICTRP member-state records of EudraCT 2021-000037-14 are one trial
    assert query(
        db,
        "SELECT count(DISTINCT cluster_id) FROM trial_clusters WHERE trial_id LIKE 'EUCTR2021-000037-14-%'",
    ) == [(1,)]
