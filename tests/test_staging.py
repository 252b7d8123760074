"""Validation: failing rows go to quarantine with the reason; nothing is silently dropped."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from conftest import FIXTURES, shared_path

from cgt_atlas.staging import stage_chunk


def stage(tmp_path: Path, *pages: Path):
    summary = stage_chunk("ctgov", list(pages), tmp_path / "staged", 1, "run-test")
    read = lambda table: pl.read_parquet(tmp_path / "staged" / table / "chunk-0001.parquet")  # noqa: E731
    return summary, read


def test_unknown_country_goes_to_quarantine_with_its_name(tmp_path: Path) -> None:
    summary, read = stage(tmp_path, FIXTURES / "ctgov" / "edge_cases.json")
    quarantine = read("quarantine")
    country = quarantine.filter(pl.col("check_name") == "country_name:country_maps_to_iso")
    assert country.select("table_name", "record_key", "failure_value").rows() == [
        ("trial_sites", "NCT09900001|2", "Atlantis")
    ]
    record = json.loads(country.item(0, "record"))
    assert record["facility"] == "Atlantis Medical Centre"
    sites = read("trial_sites")
    assert "Atlantis" not in sites.get_column("country_name").to_list()
    assert sites.filter(pl.col("trial_id") == "NCT09900001").height == 2


def test_invalid_trial_is_quarantined_with_its_children(tmp_path: Path) -> None:
    summary, read = stage(tmp_path, FIXTURES / "ctgov" / "edge_cases.json")
    quarantine = read("quarantine")
    phase = quarantine.filter(pl.col("table_name") == "trials")
    assert phase.select("record_key", "check_name", "failure_value").rows() == [
        (
            "NCT09900003",
            "phase:isin(['EARLY_PHASE1', 'PHASE1', 'PHASE1/PHASE2', 'PHASE2', "
            "'PHASE2/PHASE3', 'PHASE3', 'PHASE4', 'NA'])",
            "PHASE5",
        )
    ]
    orphan = quarantine.filter(
        (pl.col("entity_key") == "NCT09900003") & (pl.col("table_name") == "trial_sites")
    )
    assert orphan.get_column("check_name").to_list() == ["trial_id:parent_quarantined"]
    assert "NCT09900003" not in read("trials").get_column("trial_id").to_list()
    assert "NCT09900003" not in read("trial_sites").get_column("trial_id").to_list()
    assert summary.rows_fetched == 3
    assert summary.rows_loaded["trials"] == 2
    assert summary.rows_quarantined == quarantine.height == 3


def test_every_row_is_either_staged_or_quarantined(tmp_path: Path) -> None:
    summary, read = stage(tmp_path, FIXTURES / "ctgov" / "edge_cases.json")
    quarantined = read("quarantine").group_by("table_name").agg(pl.col("record_key").n_unique())
    per_table = dict(quarantined.rows())
    assert summary.rows_loaded["trial_sites"] + per_table.get("trial_sites", 0) == 4
    assert summary.rows_loaded["trials"] + per_table.get("trials", 0) == 3


def test_genuine_samples_pass_validation(tmp_path: Path) -> None:
    folders = [shared_path("samples", "ctgov", "v2_search"), shared_path("samples", "ctgov", "v2_study")]
    pages = sorted(p for folder in folders for p in folder.glob("*.json"))
    summary, read = stage(tmp_path, *pages)
    assert read("quarantine").height == 0, read("quarantine").select("record_key", "check_name").rows()
    assert summary.rows_loaded["trials"] > 0


def test_replay_passes_validation_whole(tmp_path: Path) -> None:
    summary, read = stage(tmp_path, *sorted(shared_path("replay", "ctgov").glob("*.json")))
    assert summary.rows_quarantined == 0
    assert summary.rows_loaded["trials"] == 2274
    assert summary.rows_loaded["trial_sites"] == 8197
