"""The curated seed: every row validates and carries its source URL; replays read it in place."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from cgt_atlas import pipeline
from cgt_atlas.sources import curated
from cgt_atlas.staging import split_valid


def _validate(pages: list[Path]) -> dict[str, tuple[int, list[dict]]]:
    parsed = curated.parse(duckdb.connect(), pages)
    results = {}
    for table, relation in parsed.tables.items():
        valid, rejected = split_valid(table, relation.pl(), "curated", "test", "record_id")
        results[table] = (len(valid), rejected.to_dicts())
    return results


def test_the_project_seed_validates_and_every_row_has_a_source_url() -> None:
    pages = curated.default_pages()
    assert [p.name for p in pages] == ["approvals_curated.csv"]
    results = _validate(pages)
    assert all(not rejected for _, rejected in results.values()), results
    with pages[0].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert results["regulatory_records"][0] == len(rows)
    assert all(row["source_url"].startswith("https://") for row in rows), "a public https page per row"


def test_a_row_without_a_source_url_is_quarantined(tmp_path: Path) -> None:
    seed = curated.default_pages()[0]
    lines = seed.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(lines))
    rows[0]["source_url"] = ""
    broken = tmp_path / "approvals_curated.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    results = _validate([broken])
    loaded, rejected = results["regulatory_records"]
    assert loaded == len(rows) - 1
    assert [r["check_name"] for r in rejected] == ["source_url:not_nullable"]
    assert rejected[0]["entity_key"] == "curated:FDA:kymriah"
    approvals_loaded, approvals_rejected = results["approvals"]
    assert approvals_loaded == len(rows) - 1
    assert [r["check_name"] for r in approvals_rejected] == ["source_url:not_nullable"]


def test_a_replay_without_a_curated_folder_reads_the_project_seed(tmp_path: Path) -> None:
    landed = pipeline.find_replay("curated", tmp_path)
    assert landed is not None and landed.mode == "seed"
    assert [Path(p).name for p in landed.pages] == ["approvals_curated.csv"]
    assert pipeline.find_replay("ema", tmp_path) is None  # other sources are still skipped
