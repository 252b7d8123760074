"""euctr parser: the genuine full-text download and a hand-written edge-case file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from conftest import FIXTURES, shared_path
from registry_helpers import parse_tables

from cgt_atlas.sources.euctr.records import read_lines

SAMPLE = ("samples", "euctr", "raw_text", "euctr_full_download_sample__ctrdata_946fc6d.txt")
EDGE = FIXTURES / "euctr" / "edge_cases.txt"


def test_genuine_sample_gives_one_trial_per_eudract_number() -> None:
    tables = parse_tables("euctr", [shared_path(*SAMPLE)])
    trials, rejected = tables["trials"]
    assert len(rejected) == 0
    assert sorted(trials["trial_id"]) == ["2021-002179-21", "2022-002568-62"]
    aav = trials.row(by_predicate=pl.col("trial_id") == "2022-002568-62", named=True)
    assert aav["phase"] == "PHASE1/PHASE2"
    assert aav["overall_status"] == "ACTIVE_NOT_RECRUITING"
    assert aav["lead_sponsor"] == "AviadoBio Ltd" and aav["lead_sponsor_class"] == "INDUSTRY"
    assert aav["start_date"] == "2023-04-13"  # earliest competent-authority decision
    assert aav["first_posted_date"] == "2023-01-16"
    members, _ = tables["euctr_member_states"]
    assert len(members) == 10  # every member-state record is kept
    sites, site_rejects = tables["trial_sites"]
    assert len(site_rejects) == 0 and sites["region"].null_count() == 0
    masitinib = set(sites.filter(pl.col("trial_id") == "2021-002179-21")["country_code"])
    assert {"FR", "ES", "GR", "PL", "PT", "HU", "US", "ZA"} <= masitinib
    assert sites.group_by("trial_id", "country_code").len()["len"].max() == 1


def test_genuine_sample_keeps_atimp_flags() -> None:
    flags, _ = parse_tables("euctr", [shared_path(*SAMPLE)])["trial_atimp_flags"]
    aav = flags.row(by_predicate=pl.col("trial_id") == "2022-002568-62", named=True)
    assert aav["is_atimp"] and aav["gene_therapy"] and aav["contains_gmo"]
    assert aav["somatic_cell_therapy"] is False and aav["tissue_engineered"] is False
    masitinib = flags.filter(pl.col("trial_id") == "2021-002179-21")
    assert not masitinib["is_atimp"].any()
    interventions, _ = parse_tables("euctr", [shared_path(*SAMPLE)])["trial_interventions"]
    assert interventions.filter(pl.col("trial_id") == "2022-002568-62")["intervention_type"].to_list() == [
        "GENETIC"
    ]


def test_tokenizer_keeps_language_copies_apart_and_folds_continuations() -> None:
    rows = read_lines(EDGE, 1)
    by_code = {(row[3], row[5]): row[7] for row in rows}
    assert by_code[("E.1.1", None)] == "Relapsed diffuse large B-cell lymphoma"
    assert by_code[("E.1.1", "de")].startswith("Rezidiviertes")
    assert by_code[("E.8.6.3", None)] == "Japan\nAtlantis"
    statuses = [(row[6], row[7]) for row in rows if row[3] == "B.3.1"]
    assert statuses == [(1, "Commercial"), (2, "Non-Commercial")]  # labels held a TAB; block = sponsor


def test_edge_cases() -> None:
    tables = parse_tables("euctr", [EDGE])
    trial = tables["trials"][0].row(0, named=True)
    assert trial["trial_id"] == "2015-001234-12"
    assert trial["phase"] == "PHASE2/PHASE3"
    # Completed (GB), Prematurely Ended (DE), Ongoing (3rd country): the most active wins
    assert trial["overall_status"] == "ACTIVE_NOT_RECRUITING"
    assert trial["start_date"] == "2015-04-15"
    assert trial["completion_date"] == "2019-12-31"
    assert trial["enrollment"] == 120
    sites, rejected = tables["trial_sites"]
    assert sites["country_code"].to_list() == ["GB", "DE", "JP"]  # the 3RD record adds no member state
    assert rejected["failure_value"].to_list() == ["Atlantis"]  # never a silent NULL
    sponsors = tables["trial_sponsors"][0]
    lead = sponsors.filter(pl.col("role") == "lead").row(0, named=True)
    assert (lead["name"], lead["sponsor_class"], lead["country_name"]) == (
        "CellCo Ltd",
        "INDUSTRY",
        "United Kingdom",
    )
    assert set(sponsors.filter(pl.col("role") == "collaborator")["name"]) == {
        "University of Somewhere",
        "Cancer Charity",
    }
    ids = tables["trial_ids"][0]
    assert set(zip(ids["id_type"], ids["other_id"], strict=True)) == {
        ("ORG_STUDY_ID", "CELL-01"),
        ("NCT", "NCT01234567"),
        ("UTN", "U1111-1111-2222"),
    }
    flags = tables["trial_atimp_flags"][0].sort("intervention_index")
    assert flags["somatic_cell_therapy"].to_list() == [True, None]
    interventions = tables["trial_interventions"][0].sort("intervention_index")
    assert interventions["intervention_type"].to_list() == ["BIOLOGICAL", "DRUG"]
    assert interventions["name"].to_list()[1] == "Standardchemo"  # trade name when no product name


def test_reparse_gives_the_same_content_hash(tmp_path: Path) -> None:
    first = parse_tables("euctr", [EDGE])["trials"][0]["content_hash"].to_list()
    assert parse_tables("euctr", [EDGE])["trials"][0]["content_hash"].to_list() == first
