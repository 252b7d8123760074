"""Fault matrix, FDA site files: a malformed establishment register or compliance export is refused
through the command line with error: and next:, and the warehouse is exactly as it was."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from cgt_atlas.cli import app
from cgt_atlas.errors import EXIT_PARTIAL
from faults.damage import digest, failure_recorded

TABLES = ("establishments", "compliance_actions")
REGISTER = FIXTURES / "fda_establishments" / "drls_reg.txt"
EXPORT = FIXTURES / "fda_compliance" / "compliance_actions.csv"


def replay_of(root: Path, register: Callable[[Path], None], export: Callable[[Path], None]) -> Path:
    """DIR/fda_establishments/ and DIR/fda_compliance/, each file written by the given function."""
    for source, write in (("fda_establishments", register), ("fda_compliance", export)):
        (root / source).mkdir(parents=True)
        write(root / source)
    return root


def copy_of(fixture: Path) -> Callable[[Path], None]:
    return lambda folder: shutil.copy(fixture, folder / fixture.name)


def refresh(replay: Path, db: Path):
    return CliRunner().invoke(
        app,
        [
            "refresh",
            "--replay",
            str(replay),
            "--source",
            "fda_establishments",
            "--source",
            "fda_compliance",
            "--db",
            str(db),
        ],
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fda-faults")
    db = folder / "atlas.duckdb"
    result = refresh(replay_of(folder / "good", copy_of(REGISTER), copy_of(EXPORT)), db)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "atlas.duckdb"
    shutil.copy(built, copy)
    return copy


def _text(fixture: Path, edit: Callable[[str], str]) -> Callable[[Path], None]:
    return lambda folder: (folder / fixture.name).write_text(
        edit(fixture.read_text(encoding="utf-8")), encoding="utf-8"
    )


def _cut_zip(folder: Path) -> None:
    whole = folder / "whole.tmp"
    with zipfile.ZipFile(whole, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(REGISTER, "drls_reg.txt")
    (folder / "drls_reg.zip").write_bytes(whole.read_bytes()[:200])
    whole.unlink()


def _not_a_workbook(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(b"<html>session expired</html>")


CASES = {
    "register with a wrong header": (
        _text(REGISTER, lambda text: text.replace("OPERATIONS", "OPS")),
        copy_of(EXPORT),
        "OPERATIONS",
    ),
    "register cut short mid-line": (_text(REGISTER, lambda text: text[:-40]), copy_of(EXPORT), "cut short"),
    "register zip cut short": (_cut_zip, copy_of(EXPORT), "not a readable zip"),
    "register xlsx that is not a workbook": (
        _not_a_workbook("drls_reg.xlsx"),
        copy_of(EXPORT),
        "not a readable xlsx",
    ),
    "export with a wrong header": (
        copy_of(REGISTER),
        _text(EXPORT, lambda text: text.replace("Product Type", "Type")),
        "Product Type",
    ),
    "export xlsx that is not a workbook": (
        copy_of(REGISTER),
        _not_a_workbook("export.xlsx"),
        "not a readable xlsx",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_malformed_fda_file_is_refused_and_changes_nothing(db: Path, tmp_path: Path, case: str) -> None:
    """The damaged file's source keeps its data; the other, whole file loads as before (exit 3, partial)."""
    register, export, says = CASES[case]
    before = digest(db, TABLES, runs=False)
    result = refresh(replay_of(tmp_path / "damaged", register, export), db)
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "error:" in result.output and "next:" in result.output and says in result.output
    assert "Traceback" not in result.output
    assert digest(db, TABLES, runs=False) == before
    damaged = "fda_establishments" if case.startswith("register") else "fda_compliance"
    status, error, _next = failure_recorded(db, damaged)
    assert status == "failed" and says in error
