"""EMA parser on the genuine medicines report, and on a report whose layout changed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.sources import ema
from cgt_atlas.staging import split_valid
from tests.conftest import shared_path

REPORT = "medicines-output-medicines-report_en_2026-03-14.xlsx"


@pytest.fixture(scope="module")
def parsed() -> dict[str, pl.DataFrame]:
    con = duckdb.connect()
    result = ema.parse(con, [shared_path("samples", "ema", REPORT)])
    assert result.rows == 35
    return {table: relation.pl() for table, relation in result.tables.items()}


def test_genuine_report_splits_35_atmps_into_31_approvals_and_4_not_granted(parsed) -> None:
    approvals, not_granted = parsed["approvals"], parsed["applications_not_granted"]
    assert len(parsed["regulatory_records"]) == 35
    assert dict(approvals.group_by("status").len().iter_rows()) == {
        "authorised": 22,
        "withdrawn": 7,
        "expired": 2,
    }
    assert dict(not_granted.group_by("decision").len().iter_rows()) == {
        "refused": 1,
        "application_withdrawn": 3,
    }


def test_approval_date_is_the_original_authorisation_not_the_latest_decision(parsed) -> None:
    kymriah = parsed["approvals"].filter(pl.col("brand_name") == "Kymriah").row(0, named=True)
    assert kymriah["approval_date"] == "2018-08-23"  # EC decision date in the file: 06/11/2025
    assert kymriah["approval_id"] == "ema:EMEA/H/C/004090"
    assert kymriah["region"] == "Europe" and kymriah["source_kind"] == "fetched"
    elevidys = parsed["applications_not_granted"].filter(pl.col("brand_name") == "Elevidys")
    assert elevidys.select("decision", "decision_date").row(0) == ("refused", "2025-09-24")


def test_published_quirks_are_cleaned(parsed) -> None:
    approvals = parsed["approvals"]
    glybera = approvals.filter(pl.col("brand_name") == "Glybera").row(0, named=True)
    assert glybera["holder"] == "uniQure biopharma B.V."  # trailing space in the file
    assert glybera["status_date"] == "2017-10-28"
    text = pl.concat([approvals["indication"], approvals["holder"]]).drop_nulls()
    assert not text.str.contains(r"&[a-z]+;|&#\d+;|^\s|\s$").any()


def test_every_parsed_row_passes_validation(parsed) -> None:
    for table, frame in parsed.items():
        valid, rejected = split_valid(table, frame, "ema", "test", "record_id")
        assert len(rejected) == 0, rejected.to_dicts()
        assert len(valid) == len(frame)


def _report(path: Path, header: list[str], header_row: int) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Content type:", "Medicine"])
    for _ in range(header_row - 2):
        sheet.append([])
    sheet.append(header)
    sheet.append(["Human", "Example"] + [None] * (len(header) - 2))
    workbook.save(path)
    return path


def test_header_is_found_by_its_names_not_its_row(tmp_path: Path) -> None:
    from cgt_atlas.sources.ema.settings import ADVANCED_THERAPY, REQUIRED_COLUMNS

    header = [c if c != ADVANCED_THERAPY else "Advanced\ntherapy" for c in REQUIRED_COLUMNS]
    report = _report(tmp_path / "moved.xlsx", header, header_row=4)
    result = ema.parse(duckdb.connect(), [report])
    assert result.rows == 0  # header found on row 4; the one row is not an advanced therapy


def test_a_report_without_the_advanced_therapy_column_says_which_columns_it_found(tmp_path: Path) -> None:
    report = _report(tmp_path / "legacy.xlsx", ["Category", "Medicine name", "Product number"], header_row=9)
    with pytest.raises(PageStructureChanged) as error:
        ema.parse(duckdb.connect(), [report])
    message = str(error.value)
    assert "'Advanced therapy'" in message
    assert "columns found: 'Category', 'Medicine name', 'Product number'" in message
