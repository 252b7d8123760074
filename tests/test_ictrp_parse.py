"""ictrp parser: the genuine XML export and a hand-written edge-case export."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import FIXTURES, shared_path
from registry_helpers import parse_tables

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.sources.ictrp.records import read_trials

SAMPLE = ("samples", "ictrp", "ICTRP-Results_export_2024-06-09.xml")
EDGE = FIXTURES / "ictrp" / "edge_cases.xml"


def test_genuine_export_loads_every_register() -> None:
    tables = parse_tables("ictrp", [shared_path(*SAMPLE)])
    trials, rejected = tables["trials"]
    assert len(trials) == 95 and len(rejected) == 0
    counts = dict(trials.group_by("registry").len().iter_rows())
    assert counts == {
        "ctgov": 47,
        "euctr": 28,
        "jprn": 9,
        "drks": 6,
        "omon": 2,
        "ctis": 1,
        "chictr": 1,
        "cris": 1,
    }
    # ClinicalTrials.gov copies never take a native NCT key
    assert trials.filter(pl.col("registry") == "ctgov")["trial_id"].str.starts_with("ICTRP-NCT").all()
    assert set(trials["overall_status"]) <= {"RECRUITING", "ACTIVE_NOT_RECRUITING", "UNKNOWN", None}
    assert trials["first_posted_date"].null_count() == 0
    assert trials["last_update_date"].null_count() == 0


def test_genuine_export_maps_countries_or_quarantines_them() -> None:
    sites, rejected = parse_tables("ictrp", [shared_path(*SAMPLE)])["trial_sites"]
    assert sites["region"].null_count() == 0
    assert set(rejected["failure_value"]) == {
        "Asia except Japan",
        "North America",
        "South America",
        "Europe",
        "Oceania",
    }
    assert sites.group_by("trial_id", "country_name").len()["len"].max() == 1  # repeats collapsed


def test_genuine_export_secondary_ids() -> None:
    ids, _ = parse_tables("ictrp", [shared_path(*SAMPLE)])["trial_ids"]
    ctis = ids.filter(pl.col("trial_id") == "CTIS2023-507385-11-00")
    assert set(zip(ctis["id_type"], ctis["other_id"], strict=True)) == {
        ("UTN", "U1111-1296-5487"),
        ("EUDRACT", "2022-003405-30"),
        ("NCT", "NCT05697861"),
    }
    with_country = ids.filter(pl.col("raw_id") == "2019-001698-10-GB")
    assert with_country["other_id"].to_list() == ["2019-001698-10"]


def test_edge_cases() -> None:
    tables = parse_tables("ictrp", [EDGE])
    trials = {row["trial_id"]: row for row in tables["trials"][0].iter_rows(named=True)}
    assert trials["ChiCTR2300070001"]["overall_status"] == "RECRUITING"  # lower case
    assert trials["ChiCTR2300070001"]["start_date"] == "2023-05-01"  # YYYY/MM/DD
    assert trials["ChiCTR2300070001"]["phase"] == "EARLY_PHASE1"  # "0"
    assert trials["ChiCTR2300070001"]["enrollment"] == 60  # groups added up
    assert trials["ACTRN12615000123456"]["start_date"] == "2015-03"  # month precision kept
    assert trials["ACTRN12615000123456"]["phase"] == "PHASE2/PHASE3"
    assert trials["ICTRP-NCT01234567"]["overall_status"] == "COMPLETED"  # upper case
    assert trials["CTRI/2021/03/031234"]["phase"] == "PHASE1/PHASE2"
    assert trials["CTRI/2021/03/031234"]["overall_status"] == "ACTIVE_NOT_RECRUITING"
    assert trials["KCT0001234"]["overall_status"] == "UNKNOWN"  # "Not Recruiting": ended or not
    assert {row["registry"] for row in trials.values()} == {
        "anzctr",
        "ctgov",
        "chictr",
        "ctri",
        "cris",
        "jprn",
    }
    sites, rejected = tables["trial_sites"]
    actrn = sites.filter(pl.col("trial_id") == "ACTRN12615000123456")
    assert actrn["country_code"].to_list() == ["AU", "NZ"]
    assert rejected.select("entity_key", "failure_value").rows() == [("CTRI/2021/03/031234", "Atlantis")]
    conditions = tables["trial_conditions"][0].filter(pl.col("trial_id") == "ACTRN12615000123456")
    assert sorted(conditions["condition"]) == ["Diffuse large B-cell lymphoma", "Lymphoma"]
    interventions = tables["trial_interventions"][0].sort("intervention_index")
    assert interventions.select("intervention_type", "name").rows() == [
        ("BIOLOGICAL", "CELL-01 CAR T cells"),
        ("DRUG", "Standardchemo"),
    ]
    ids = tables["trial_ids"][0]
    assert ("ACTRN12615000123456", "NCT", "NCT01234567") in ids.select(
        "trial_id", "id_type", "other_id"
    ).rows()
    assert ("KCT0001234", "REGISTRY", "jRCT2031200001") in ids.select(
        "trial_id", "id_type", "other_id"
    ).rows()


def test_entities_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<Trials_downloaded_from_ICTRP><Trial><TrialID>&b;</TrialID></Trial></Trials_downloaded_from_ICTRP>"
    )
    with pytest.raises(PageStructureChanged):
        read_trials(bomb, 1)


def test_wrong_root_is_a_structure_change(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<?xml version='1.0'?><results><Trial/></results>")
    with pytest.raises(PageStructureChanged, match="root element"):
        read_trials(other, 1)
