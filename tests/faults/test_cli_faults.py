"""Fault matrix through the command line and the Prefect flow: what a scheduled run prints and
returns when its input is damaged (exit status, error:/next:, no traceback, the warehouse)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import shared_path

from cgt_atlas.cli import app
from cgt_atlas.errors import EXIT_GATE
from faults.damage import (
    TRIAL_TABLES,
    damaged_copy,
    digest,
    drop_on_page,
    edit_study,
    failure_recorded,
    set_field,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli-faults") / "atlas.duckdb"
    result = CliRunner().invoke(
        app, ["refresh", "--replay", str(shared_path("replay")), "--source", "ctgov", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "atlas.duckdb"
    shutil.copy(built, copy)
    return copy


def refresh(replay: Path, db: Path, *extra: str):
    return CliRunner().invoke(
        app, ["refresh", "--replay", str(replay), "--source", "ctgov", "--db", str(db), *extra]
    )


def test_a_truncated_page_exits_1_with_error_and_next_and_changes_nothing(db: Path, tmp_path: Path) -> None:
    def truncate(folder: Path) -> None:
        page = folder / "page-0003.json"
        page.write_bytes(page.read_bytes()[:1000])

    before = digest(db, TRIAL_TABLES)
    result = refresh(damaged_copy(tmp_path, "ctgov", truncate), db)
    assert result.exit_code == 1
    assert "error: ClinicalTrials.gov page" in result.output and "is not valid JSON" in result.output
    assert "next: the body was cut short or damaged" in result.output
    assert "Traceback" not in result.output
    assert digest(db, TRIAL_TABLES) == before
    status, error, next_step = failure_recorded(db, "ctgov")
    assert status == "failed" and "is not valid JSON" in error and next_step.startswith("the body was cut")


def test_a_bad_value_in_one_study_is_quarantined_and_the_run_says_so(db: Path, tmp_path: Path) -> None:
    replay = damaged_copy(
        tmp_path, "ctgov", edit_study(3, set_field("designModule.enrollmentInfo.count", "abc"))
    )
    result = refresh(replay, db)
    assert result.exit_code == 0, result.output
    assert "ctgov: 2274 records in 3 pages (replay): 2273 valid" in result.output
    assert "1 rows quarantined" in result.output and "select * from quarantine" in result.output


def test_a_shrinking_load_is_refused_until_accepted(db: Path, tmp_path: Path) -> None:
    replay = damaged_copy(tmp_path, "ctgov", drop_on_page("contactsLocationsModule"))
    before = digest(db, TRIAL_TABLES)
    refused = refresh(replay, db)
    assert refused.exit_code == EXIT_GATE
    assert (
        "error: the load would make the warehouse worse, so the quality gates held ctgov back"
        in refused.output
    )
    assert "ctgov: trial_sites would shrink from 8197" in refused.output
    assert "next:" in refused.output and "--accept-shrink" in refused.output
    assert "Traceback" not in refused.output
    assert digest(db, TRIAL_TABLES) == before
    accepted = refresh(replay, db, "--accept-shrink")
    assert accepted.exit_code == 0, accepted.output
    assert digest(db, TRIAL_TABLES) != before
