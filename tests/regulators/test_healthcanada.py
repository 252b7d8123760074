"""Health Canada DPD extract: the genuine zips, a mocked download, damaged zips, and an idempotent load."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
import requests_mock

from cgt_atlas.errors import DamagedPage, PageStructureChanged, SourceHttpError
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import MANIFEST, RawLanding
from cgt_atlas.sources import healthcanada
from cgt_atlas.sources.healthcanada import settings as s
from cgt_atlas.staging import split_valid
from tests.conftest import shared_path
from tests.registry_helpers import link_folder, load_replay

EXPECTED = {
    "PROCHYMAL": ("REMESTEMCEL-L", "2012-05-15", "02386380"),
    "KYMRIAH": ("TISAGENLECLEUCEL", "2018-09-05", "02480514"),
    "YESCARTA": ("AXICABTAGENE CILOLEUCEL", "2019-02-13", "02485648"),
    "LUXTURNA": ("VORETIGENE NEPARVOVEC", "2020-10-13", "02505851"),
    "ZOLGENSMA": ("ONASEMNOGENE ABEPARVOVEC", "2020-12-15", "02509695"),
    "TECARTUS": ("BREXUCABTAGENE AUTOLEUCEL", "2021-06-08", "02516667, 02532719"),
    "BREYANZI": ("LISOCABTAGENE MARALEUCEL", "2022-05-06", "02527138"),
    "CARVYKTI": ("CILTACABTAGENE AUTOLEUCEL", "2023-02-09", "02535270"),
    "HEMGENIX": ("ETRANACOGENE DEZAPARVOVEC", "2023-10-23", "02542560"),
    "CASGEVY": ("EXAGAMGLOGENE AUTOTEMCEL", "2024-09-23", "02552043"),
    "AMTAGVI": ("LIFILEUCEL", "2025-08-15", "02560232"),
    "ADSTILADRIN": ("NADOFARAGENE FIRADENOVEC", "2026-03-16", "02566680"),
}


def parse_tables(source: str, pages: list[Path]) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Each table as (valid rows, quarantine rows), keyed by record_id as staging keys it."""
    parsed = healthcanada.parse(duckdb.connect(), pages)
    return {
        table: split_valid(table, relation.pl(), source, "test", healthcanada.ENTITY_KEY)
        for table, relation in parsed.tables.items()
    }


def _genuine() -> list[Path]:
    return [
        shared_path("samples", "healthcanada", "allfiles_2026-04-01.zip"),
        shared_path("samples", "healthcanada", "allfiles_ap_2026-04-01.zip"),
    ]


def test_genuine_extracts_give_one_approval_per_cgt_product_dated_by_its_first_approved() -> None:
    tables = parse_tables("healthcanada", _genuine())
    approvals, quarantined = tables["approvals"]
    assert quarantined.is_empty()
    found = {
        row["brand_name"]: (row["active_substance"], row["approval_date"], row["agency_record_no"])
        for row in approvals.iter_rows(named=True)
    }
    assert found == EXPECTED  # Tecartus's two strengths (two DINs) are one approval
    assert set(approvals["agency"]) == {"HC"} and set(approvals["status"]) == {"authorised"}
    assert set(approvals["source_url"]) == {s.zip_url(""), s.zip_url("_ap")}
    kymriah = approvals.filter(approvals["brand_name"] == "KYMRIAH").row(0, named=True)
    assert (kymriah["record_id"], kymriah["holder"]) == (
        "healthcanada:97104",
        "NOVARTIS PHARMACEUTICALS CANADA INC",
    )


def test_genuine_extracts_note_how_many_products_were_scanned() -> None:
    parsed = healthcanada.parse(duckdb.connect(), _genuine())
    assert parsed.notes == [
        "14824 human products scanned (17403 drug codes in all): 12 CGT products (13 drug codes)"
    ]
    assert (parsed.rows, parsed.rejected) == (12, [])


def test_fetch_lands_each_zip_as_sent_and_skips_an_optional_one_that_is_gone(tmp_path: Path) -> None:
    marketed, approved = _genuine()
    client = PoliteClient(min_interval=0.0, sleep=lambda _: None)
    landing = RawLanding(tmp_path / "raw")
    with requests_mock.Mocker() as mock:
        mock.get(s.zip_url(""), content=marketed.read_bytes())
        mock.get(s.zip_url("_ap"), content=approved.read_bytes())
        mock.get(s.zip_url("_dr"), status_code=404)
        mock.get(s.zip_url("_ia"), status_code=404)
        result = healthcanada.fetch(client, landing, since=None)
    assert result.pages == 2
    landed = sorted((tmp_path / "raw").glob("*.zip"))
    assert [p.read_bytes() for p in landed] == [marketed.read_bytes(), approved.read_bytes()]
    manifest = [json.loads(line) for line in (tmp_path / "raw" / MANIFEST).read_text().splitlines()]
    assert [entry["url"] for entry in manifest] == [s.zip_url(""), s.zip_url("_ap")]
    assert healthcanada.parse(duckdb.connect(), landed).rows == 12


def test_fetch_fails_when_a_required_zip_is_gone(tmp_path: Path) -> None:
    client = PoliteClient(min_interval=0.0, sleep=lambda _: None)
    with requests_mock.Mocker() as mock:
        mock.get(s.zip_url(""), status_code=404)
        with pytest.raises(SourceHttpError) as error:
            healthcanada.fetch(client, RawLanding(tmp_path / "raw"), since=None)
    assert error.value.status == 404


# Small hand-written extracts in the real layout: a CAR-T with two DINs and an ordinary drug.
def _line(*values: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _members(suffix: str = "") -> dict[str, str]:
    def drug(code: str, din: str, brand: str) -> str:
        return _line(code, "", "Human", din, brand, "", "N", "", "1", "01-JAN-2026", "0", "Humain", "", "")

    def ingredient(code: str, name: str, unit: str) -> str:
        return _line(code, "1", name, "I", "1", unit, "", "", "N", "", "", name, unit, "", "")

    def status(code: str, current: str, name: str, day: str) -> str:
        return _line(code, current, name, day, name, "", "")

    def company(code: str) -> str:
        return _line(code, "", "1", "MAKER INC", "DIN_OWNER", "Y", "Y", "N", "N", "", "1 ST", "OTTAWA",
                     "ONTARIO", "CANADA", "K1A 0A1", "", "ONTARIO", "CANADA")  # fmt: skip

    return {
        f"drug{suffix}.txt": drug("1", "02000001", "CARTCEL") + drug("2", "02000002", "CARTCEL")
        + drug("3", "02000003", "ASPIRIN"),
        f"ingred{suffix}.txt": ingredient("1", "TESTCABTAGENE AUTOLEUCEL", "CELLS")
        + ingredient("2", "TESTCABTAGENE AUTOLEUCEL", "CELLS") + ingredient("3", "ASA", "MG"),
        f"status{suffix}.txt": status("1", "N", "APPROVED", "02-FEB-2021")
        + status("1", "Y", "MARKETED", "03-MAR-2021") + status("2", "Y", "APPROVED", "04-APR-2022")
        + status("3", "Y", "MARKETED", "05-MAY-1990"),
        f"ther{suffix}.txt": _line("1", "L01XL99", "TEST", "") + _line("2", "L01XL99", "TEST", "")
        + _line("3", "N02BA01", "ACETYLSALICYLIC ACID", ""),
        f"comp{suffix}.txt": company("1") + company("2") + company("3"),
        f"schedule{suffix}.txt": _line("1", "SCHEDULE D", "Annexe D"),
    }  # fmt: skip


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body.encode("utf-8") if isinstance(body, str) else body)
    return path


def test_a_hand_written_extract_groups_dins_and_leaves_other_drugs_out(tmp_path: Path) -> None:
    approvals, quarantined = parse_tables("healthcanada", [_zip(tmp_path / "a.zip", _members("_ap"))])[
        "approvals"
    ]
    assert quarantined.is_empty()
    assert approvals.select("record_id", "approval_date", "agency_record_no", "source_url").rows() == [
        ("healthcanada:1", "2021-02-02", "02000001, 02000002", s.zip_url("_ap"))
    ]


def _inactive_members(
    suffix: str, code: str, brand: str, statuses: list[tuple[str, str, str]]
) -> dict[str, str]:
    """A one-product extract in the real layout (the `_ia`/`_dr` zips carry the suffix in member names)."""
    return {
        f"drug{suffix}.txt": _line(code, "", "Human", f"0200000{code}", brand, "", "N", "", "1",
                                   "01-JAN-2026", "0", "Humain", "", ""),
        f"ingred{suffix}.txt": _line(code, "1", "OLDCABTAGENE AUTOLEUCEL", "I", "1", "CELLS", "", "",
                                     "N", "", "", "x", "CELLS", "", ""),
        f"status{suffix}.txt": "".join(_line(code, flag, name, day, name, "", "")
                                       for flag, name, day in statuses),
        f"ther{suffix}.txt": _line(code, "L01XL99", "TEST", ""),
        f"comp{suffix}.txt": _line(code, "", "1", "MAKER INC", "DIN_OWNER", "Y", "Y", "N", "N", "", "1 ST",
                                   "OTTAWA", "ONTARIO", "CANADA", "K1A 0A1", "", "ONTARIO", "CANADA"),
    }  # fmt: skip


def test_cancelled_and_dormant_extracts_keep_withdrawn_products_as_history(tmp_path: Path) -> None:
    """A product Health Canada cancelled lives only in `allfiles_ia.zip`: read, it stays with its first
    approval and the status 'withdrawn' since the cancellation; a dormant one is still authorised. Any
    cancellation reason, listed or not, ends the authorisation."""
    pages = [
        _zip(tmp_path / "page-0001.zip", _members()),
        _zip(tmp_path / "page-0002.zip", _inactive_members("_dr", "5", "SLEEPCEL", [
            ("N", "APPROVED", "01-MAR-2019"), ("N", "MARKETED", "01-APR-2019"),
            ("Y", "DORMANT", "01-MAY-2024")])),
        _zip(tmp_path / "page-0003.zip", _inactive_members("_ia", "6", "GONECEL", [
            ("N", "APPROVED", "01-MAR-2018"), ("N", "MARKETED", "01-APR-2018"),
            ("Y", "CANCELLED (SAFETY ISSUE)", "15-JUN-2023")])),
    ]  # fmt: skip
    approvals, quarantined = parse_tables("healthcanada", pages)["approvals"]
    assert quarantined.is_empty()
    found = {
        row["brand_name"]: (row["approval_date"], row["status"], row["status_date"], row["source_url"])
        for row in approvals.iter_rows(named=True)
    }
    assert found["GONECEL"] == ("2018-03-01", "withdrawn", "2023-06-15", s.zip_url("_ia"))
    assert found["SLEEPCEL"] == ("2019-03-01", "authorised", None, s.zip_url("_dr"))
    assert found["CARTCEL"][1] == "authorised"


def test_a_file_that_is_not_a_zip_is_a_damaged_page_naming_it(tmp_path: Path) -> None:
    page = tmp_path / "page-0001.zip"
    page.write_bytes(b"<html>Service unavailable</html>")
    with pytest.raises(DamagedPage, match="page-0001.zip"):
        healthcanada.parse(duckdb.connect(), [page])


def test_a_zip_cut_short_is_a_damaged_page(tmp_path: Path) -> None:
    whole = _zip(tmp_path / "whole.zip", _members()).read_bytes()
    page = tmp_path / "page-0001.zip"
    page.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DamagedPage, match="page-0001.zip"):
        healthcanada.parse(duckdb.connect(), [page])


def test_a_missing_member_names_the_member(tmp_path: Path) -> None:
    members = _members()
    del members["status.txt"]
    with pytest.raises(PageStructureChanged, match=r"no\.zip: no member status\.txt"):
        healthcanada.parse(duckdb.connect(), [_zip(tmp_path / "no.zip", members)])


def test_a_member_with_another_column_count_names_the_member(tmp_path: Path) -> None:
    members = _members()
    members["ther.txt"] = "".join(_line(*row[:3]) for row in csv.reader(io.StringIO(members["ther.txt"])))
    with pytest.raises(PageStructureChanged, match=r"member ther\.txt has 3 columns, not the 4"):
        healthcanada.parse(duckdb.connect(), [_zip(tmp_path / "narrow.zip", members)])


def _with_status(members: dict[str, str], drop: str, bad_line: bytes) -> dict[str, str | bytes]:
    """The members with one status row replaced by `bad_line`, and a third product, an AAV (code 4)."""
    changed: dict[str, str | bytes] = dict(members)
    changed["drug.txt"] = members["drug.txt"] + _line(
        "4", "", "Human", "02000004", "GENECEL", "", "N", "", "1", "01-JAN-2026", "0", "Humain", "", ""
    )
    changed["ingred.txt"] = members["ingred.txt"] + _line(
        "4", "1", "OTHERGENE TESTPARVOVEC", "I", "1", "VG", "", "", "N", "", "", "x", "VG", "", ""
    )
    status = members["status.txt"].replace(drop, "")
    changed["status.txt"] = (
        status.encode() + bad_line + _line("4", "Y", "APPROVED", "06-JUN-2023", "A", "", "").encode()
    )
    return changed


@pytest.mark.parametrize(
    "bad_line",
    [
        _line("2", "Y", "APPROVED", "04-APR-2022", "APPROUVÉ", "").encode(),  # a column short
        b'"2","Y","APPROVED","04-APR-2022","APPROUV\xc9","",""\r\n',  # a latin-1 byte in a UTF-8 file
    ],
)
def test_one_unreadable_row_quarantines_its_whole_product_and_the_rest_load(
    tmp_path: Path, bad_line: bytes
) -> None:
    members = _with_status(
        _members(), _line("2", "Y", "APPROVED", "04-APR-2022", "APPROVED", "", ""), bad_line
    )
    parsed = healthcanada.parse(duckdb.connect(), [_zip(tmp_path / "one.zip", members)])
    # DIN 02000002 is the second strength of CARTCEL (code 1): the product is quarantined, not half-loaded.
    assert [(r.entity_key, r.check_name) for r in parsed.rejected] == [
        ("healthcanada:1", "record:unreadable")
    ]
    assert parsed.rejected[0].failure_value.startswith("status.txt line 4: ")
    assert json.loads(parsed.rejected[0].record)["drug_codes"] == ["1", "2"]
    loaded = parsed.tables["approvals"].select("record_id, agency_record_no, approval_date").fetchall()
    assert loaded == [("healthcanada:4", "02000004", "2023-06-06")]
    assert parsed.rows == 2  # one loaded, one quarantined: none dropped silently


def test_an_unreadable_status_row_of_a_drug_that_is_no_cgt_is_only_counted(tmp_path: Path) -> None:
    bad = _line("3", "Y", "MARKETED", "05-MAY-1990", "MARKETED", "").encode()
    members = _with_status(_members(), _line("3", "Y", "MARKETED", "05-MAY-1990", "MARKETED", "", ""), bad)
    parsed = healthcanada.parse(duckdb.connect(), [_zip(tmp_path / "aspirin.zip", members)])
    assert parsed.rejected == []
    assert parsed.notes[-1] == "1 drug codes with unreadable rows are not human CGT products: skipped"
    assert sorted(parsed.tables["approvals"].select("record_id").fetchall()) == [
        ("healthcanada:1",),
        ("healthcanada:4",),
    ]


def test_an_unreadable_ingredient_row_may_hide_a_cgt_product_so_it_is_quarantined(tmp_path: Path) -> None:
    members = _members()
    members["ingred.txt"] = members["ingred.txt"].replace(
        _line("3", "1", "ASA", "I", "1", "MG", "", "", "N", "", "", "ASA", "MG", "", ""),
        _line("3", "1", "ASA", "I", "1", "MG"),
    )
    parsed = healthcanada.parse(duckdb.connect(), [_zip(tmp_path / "asa.zip", members)])
    assert [r.entity_key for r in parsed.rejected] == ["healthcanada:3"]


def test_a_rerun_on_the_genuine_extracts_changes_nothing(tmp_path: Path) -> None:
    replay = link_folder(tmp_path, {"healthcanada": _genuine()})
    db = tmp_path / "atlas.duckdb"
    first = load_replay(replay, db, ["healthcanada"], "first")
    assert first == {"healthcanada": {"changed": 12, "loaded": 12}}
    second = load_replay(replay, db, ["healthcanada"], "second")
    assert second == {"healthcanada": {"changed": 0, "loaded": 12}}
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.sql("SELECT count(*) FROM approvals WHERE agency = 'HC'").fetchall() == [(12,)]
        assert con.sql("SELECT count(*) FROM approvals WHERE run_id = 'second'").fetchall() == [(0,)]
        modalities = dict(
            con.sql(
                "SELECT a.brand_name, c.modality FROM approval_classification AS c "
                "JOIN approvals AS a USING (approval_id) WHERE a.agency = 'HC'"
            ).fetchall()
        )
    finally:
        con.close()
    assert modalities["KYMRIAH"] == "CAR-T"
    assert modalities["ZOLGENSMA"] == "AAV gene therapy"


def test_a_quarantined_product_reaches_the_quarantine_table_and_the_rest_load(tmp_path: Path) -> None:
    bad = _line("2", "Y", "APPROVED", "04-APR-2022", "APPROUVÉ", "").encode()
    members = _with_status(_members(), _line("2", "Y", "APPROVED", "04-APR-2022", "APPROVED", "", ""), bad)
    page = _zip(tmp_path / "page-0001.zip", members)
    db = tmp_path / "atlas.duckdb"
    load_replay(link_folder(tmp_path, {"healthcanada": [page]}), db, ["healthcanada"], "first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        quarantined = con.sql(
            "SELECT entity_key, check_name FROM quarantine WHERE source = 'healthcanada'"
        ).fetchall()
        loaded = con.sql("SELECT approval_id FROM approvals WHERE agency = 'HC'").fetchall()
    finally:
        con.close()
    assert quarantined == [("healthcanada:1", "record:unreadable")]
    assert loaded == [("healthcanada:4",)]
