"""CTIS parser on the genuine ctrdata records (current retrieve and pre-relaunch formats) and on
hand-written edge cases; linking to EUCTR/ctgov records; replay through staging and load."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, shared_path
from helpers import query
from registry_helpers import link_folder, load_replay, parse_tables

from cgt_atlas.sources.base import TRIAL_TABLES

CURRENT = ["2023-505613-24-00", "2024-510663-34-00"]  # retrieve JSON after the 2024-06-17 relaunch
PRE_RELAUNCH = ["2022-500244-37-00", "2023-508143-51-01"]  # public view, parts one level higher
EDGE = sorted((FIXTURES / "ctis").glob("*.json"))


def sample(ct_number: str) -> Path:
    return shared_path("samples", "ctis", f"ctrdata__CTIS__{ct_number}.json")


@pytest.mark.parametrize(
    ("ct_number", "phase", "status", "sites", "countries", "ids"),
    [
        (
            "2023-505613-24-00",
            "PHASE2",
            "RECRUITING",
            12,
            {"BE", "PL", "GR", "PH", "IL", "US", "RU", "MX", "PE"},
            {("2019-003842-34", "EUDRACT"), ("NCT04665037", "NCT"), ("75,061; 125,097", "OTHER")},
        ),
        (
            "2024-510663-34-00",
            "PHASE2",
            "RECRUITING",
            6,
            {"ES", "IT"},
            {("2019-001588-63", "EUDRACT"), ("NCT04494412", "NCT")},
        ),
        ("2022-500244-37-00", "PHASE2", "NOT_YET_RECRUITING", 3, {"DE", "CH"}, set()),
        ("2023-508143-51-01", "PHASE4", "NOT_YET_RECRUITING", 2, {"NL"}, {("2021-004994-30", "EUDRACT")}),
    ],
)
def test_every_genuine_record_parses_clean(
    ct_number: str, phase: str, status: str, sites: int, countries: set[str], ids: set[tuple[str, str]]
) -> None:
    tables = parse_tables("ctis", [sample(ct_number)])
    assert all(len(quarantine) == 0 for _, quarantine in tables.values())
    trials = tables["trials"][0]
    assert trials.height == 1
    trial = trials.row(0, named=True)
    assert (trial["trial_id"], trial["registry"], trial["phase"], trial["overall_status"]) == (
        ct_number,
        "ctis",
        phase,
        status,
    )
    assert trial["lead_sponsor"] and trial["lead_sponsor_class"] in {"INDUSTRY", "OTHER"}
    assert trial["title"] and trial["first_posted_date"] and trial["last_update_date"]
    site_rows = tables["trial_sites"][0]
    assert site_rows.height == sites
    assert set(site_rows["country_code"]) == countries
    assert set(tables["trial_ids"][0].select("other_id", "id_type").iter_rows()) == ids
    assert tables["trial_interventions"][0].height >= 1
    assert tables["trial_conditions"][0].height >= 1


def test_current_format_details() -> None:
    tables = parse_tables("ctis", [sample("2023-505613-24-00")])
    trial = tables["trials"][0].row(0, named=True)
    # startDateEU (dd/mm/yyyy); first member-state decision; EEA 6+1+6 planned plus 19 elsewhere
    assert (trial["start_date"], trial["start_date_type"]) == ("2021-04-28", "ACTUAL")
    assert trial["first_posted_date"] == "2024-04-12"
    assert trial["enrollment"] == 32
    sites = tables["trial_sites"][0].sort("site_index")
    first = sites.row(0, named=True)
    assert (first["facility"], first["city"], first["country_name"]) == (
        "Universitair Ziekenhuis Gent",
        "Gent",
        "Belgium",
    )
    assert sites.filter(sites["facility"].is_null()).height == 6  # rest-of-world countries, no facility
    sponsors = tables["trial_sponsors"][0]
    assert sponsors.select("name", "sponsor_class", "role", "country_name").rows() == [
        ("Merck Sharp & Dohme LLC", "INDUSTRY", "lead", "United States")
    ]
    assert tables["trial_atimp_flags"][0].height == 0  # the current body gave no ATMP flag


def test_pre_relaunch_format_details() -> None:
    tables = parse_tables("ctis", [sample("2022-500244-37-00")])
    trial = tables["trials"][0].row(0, named=True)
    assert (trial["start_date"], trial["start_date_type"]) == ("2022-06-01", "ESTIMATED")
    assert trial["lead_sponsor_class"] == "OTHER"  # as the record states (isCommercial false)
    products = tables["trial_interventions"][0].sort("intervention_index")
    assert products["name"].to_list() == [
        "PIOGLITAZONE HYDROCHLORIDE",
        "Pioglitazone Placebo",
        "PAMAPIMOD",
        "Pamapimod Placebo",
    ]
    assert products["description"][1].startswith("Role: Placebo")
    flags = tables["trial_atimp_flags"][0]
    assert flags.height == 4 and not any(flags["is_atimp"])


def test_hand_written_edge_cases() -> None:
    tables = parse_tables("ctis", EDGE)
    trials = {row["trial_id"]: row for row in tables["trials"][0].iter_rows(named=True)}
    assert set(trials) == {
        "2023-599001-11-00",
        "2023-599002-22-00",
        "2023-599003-33-01",
    }  # not the search page
    edge, old = trials["2023-599002-22-00"], trials["2023-599003-33-01"]
    assert (edge["phase"], edge["overall_status"]) == (None, "COMPLETED")  # III+IV; Ended
    assert (edge["start_date"], edge["start_date_type"]) == ("2023-10-02", "ACTUAL")  # START_OF_TRIAL event
    assert edge["lead_sponsor_class"] == "INDUSTRY"  # "Commercial" text only
    assert (old["phase"], old["overall_status"]) == ("PHASE2", "ACTIVE_NOT_RECRUITING")
    assert trials["2023-599001-11-00"]["phase"] == "PHASE1/PHASE2"
    sites, quarantine = tables["trial_sites"]
    # member states only (no sites listed), plus the rest-of-world country; Atlantis is quarantined
    assert sorted(sites.filter(sites["trial_id"] == "2023-599002-22-00")["country_name"]) == [
        "Belgium",
        "Canada",
    ]
    assert quarantine.select("record_key", "check_name", "failure_value").rows() == [
        ("2023-599002-22-00|2", "country_name:country_maps_to_iso", "Atlantis")
    ]
    assert sorted(sites.filter(sites["trial_id"] == "2023-599003-33-01")["country_code"]) == ["ES", "IT"]
    interventions = tables["trial_interventions"][0]
    assert set(interventions.select("trial_id", "intervention_type").iter_rows()) == {
        ("2023-599001-11-00", "BIOLOGICAL"),
        ("2023-599002-22-00", "DRUG"),
        ("2023-599003-33-01", "BIOLOGICAL"),
    }
    assert set(tables["trial_atimp_flags"][0].select("trial_id", "is_atimp").iter_rows()) == {
        ("2023-599001-11-00", True),
        ("2023-599003-33-01", True),
    }
    assert ("2023-599002-22-00", "Asthma") in set(
        tables["trial_conditions"][0].select("trial_id", "condition").iter_rows()
    )
    ids = set(tables["trial_ids"][0].select("trial_id", "other_id", "id_type").iter_rows())
    assert ("2023-599002-22-00", "ISRCTN12345678", "REGISTRY") in ids
    assert not any(other == "N/A" for _, other, _ in ids)


def test_a_ctis_record_links_to_its_euctr_and_ctgov_records(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    files = {
        "ctgov": [FIXTURES / "ctgov" / "linked_study.json"],
        "euctr": [FIXTURES / "euctr" / "edge_cases.txt"],
        "ctis": [FIXTURES / "ctis" / "retrieve_linked.json"],
    }
    load_replay(link_folder(tmp_path, files), db, list(files), "run1")
    links = set(query(db, "SELECT trial_id, linked_trial_id, matched_on, shared_id FROM trial_links"))
    assert ("2023-599001-11-00", "2015-001234-12", "EUDRACT", "2015-001234-12") in links
    assert ("2023-599001-11-00", "NCT01234567", "NCT", "NCT01234567") in links
    assert ("NCT01234567", "2023-599001-11-00", "NCT", "NCT01234567") in links
    cluster = query(
        db,
        "SELECT cluster_id, list(trial_id ORDER BY preference) FROM trial_clusters "
        "WHERE cluster_id = (SELECT cluster_id FROM trial_clusters WHERE trial_id = '2023-599001-11-00') "
        "GROUP BY cluster_id",
    )
    # ctgov is preferred, then ctis before euctr (the documented registry preference)
    assert cluster == [("NCT01234567", ["NCT01234567", "2023-599001-11-00", "2015-001234-12"])]


def test_replay_of_landed_bodies_loads_and_reruns_idempotently(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    pages = [sample(n) for n in CURRENT + PRE_RELAUNCH] + [FIXTURES / "ctis" / "search_page.json"]
    replay = link_folder(tmp_path, {"ctis": pages})
    first = load_replay(replay, db, ["ctis"], "run1")
    counts = dict(
        query(
            db,
            "SELECT 'trials', count(*) FROM trials WHERE registry = 'ctis' UNION ALL "
            "SELECT 'sites', count(*) FROM trial_sites UNION ALL "
            "SELECT 'countries', count(DISTINCT country_code) FROM trial_sites UNION ALL "
            "SELECT 'quarantine', count(*) FROM quarantine",
        )
    )
    assert counts == {"trials": 4, "sites": 23, "countries": 14, "quarantine": 0}
    assert first["ctis"]["changed"] == 4
    tables = TRIAL_TABLES
    count_sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    before = query(db, count_sql)
    second = load_replay(replay, db, ["ctis"], "run2")
    assert second["ctis"]["changed"] == 0  # unchanged records are not rewritten
    assert query(db, count_sql) == before
    assert query(db, "SELECT count(*) FROM pipeline_runs WHERE source = 'ctis'")[0][0] == 2
