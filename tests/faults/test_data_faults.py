"""Fault matrix, data side: damaged copies of the genuine replay files never load wrong data.

Each case replays a damaged copy of ../shared/replay through the same steps the refresh flow
runs, then asserts either that the bad record is quarantined with its reason and the rest
loads, or that the run fails with a clear error and the warehouse is exactly as it was.
docs/reliability.md lists the cases and the promise each one checks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import requests_mock as rm
from conftest import FIXTURES, shared_path
from helpers import query, scalar
from registry_helpers import load_replay

import warehouse.load
from cgt_atlas import pipeline
from cgt_atlas.errors import DamagedPage, PageStructureChanged, QualityGateFailed, ShortDownload
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.ctgov.settings import BASE_URL
from faults.damage import (
    TRIAL_TABLES,
    damaged_copy,
    digest,
    drop_on_page,
    edit_study,
    set_field,
)
from warehouse.load import latest_watermark

EUCTR_FILE = "euctr_full_download_sample__ctrdata_946fc6d.txt"
RECORD_START = "\nSummary\n"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from the genuine ctgov and euctr replay: the last good state."""
    folder = tmp_path_factory.mktemp("baseline")
    db = folder / "atlas.duckdb"
    load_replay(shared_path("replay"), db, ["ctgov", "euctr"], "baseline-run")
    return db


@pytest.fixture
def db(baseline: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "atlas.duckdb"
    shutil.copy(baseline, copy)
    return copy


# -- EUCTR: damage inside a record quarantines that trial; its loaded version stays whole --------


def _edit_euctr(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / EUCTR_FILE
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return damage


def _without_sponsor_section(text: str) -> str:
    head, *records = text.split(RECORD_START)
    record = records[2]
    records[2] = record[: record.index("\nB. Sponsor")] + record[record.index("\nD. ") :]
    return RECORD_START.join([head, *records])


def test_euctr_record_missing_a_section_is_quarantined_and_the_loaded_trial_kept(
    db: Path, tmp_path: Path
) -> None:
    before = digest(db, TRIAL_TABLES)
    replay = damaged_copy(tmp_path, "euctr", _edit_euctr(_without_sponsor_section))
    load_replay(replay, db, ["euctr"], "damaged-run")
    (reason,) = query(
        db, "SELECT entity_key, check_name, failure_value FROM quarantine WHERE source = 'euctr'"
    )
    assert reason[:2] == ("2022-002568-62", "record:incomplete")
    assert "sections B missing" in reason[2]
    after = digest(db, TRIAL_TABLES)
    assert {t: after[t] for t in TRIAL_TABLES} == {t: before[t] for t in TRIAL_TABLES}, "nothing blanked"
    assert scalar(db, "SELECT count(*) FROM trial_sponsors WHERE trial_id = '2022-002568-62'") > 0


def test_euctr_record_cut_off_mid_way_is_quarantined(db: Path, tmp_path: Path) -> None:
    def cut(folder: Path) -> None:
        path = folder / EUCTR_FILE
        body = path.read_bytes()
        path.write_bytes(body[: int(len(body) * 0.95)])

    titles = query(db, "SELECT trial_id, title FROM trials WHERE registry = 'euctr' ORDER BY ALL")
    load_replay(damaged_copy(tmp_path, "euctr", cut), db, ["euctr"], "cut-run")
    assert query(db, "SELECT trial_id, title FROM trials WHERE registry = 'euctr' ORDER BY ALL") == titles
    (reason,) = query(db, "SELECT entity_key, failure_value FROM quarantine WHERE source = 'euctr'")
    assert reason[0] == "2021-002179-21" and "F, N, P missing" in reason[1]


def test_euctr_file_without_record_markers_fails_and_leaves_the_warehouse(db: Path, tmp_path: Path) -> None:
    before = digest(db)
    replay = damaged_copy(tmp_path, "euctr", _edit_euctr(lambda text: text.replace(RECORD_START, "\n")))
    with pytest.raises(PageStructureChanged, match="holds no record"):
        load_replay(replay, db, ["euctr"], "no-markers")
    assert digest(db) == before


def test_latin1_euctr_file_quarantines_its_records_instead_of_crashing(db: Path, tmp_path: Path) -> None:
    def latin1(folder: Path) -> None:
        path = folder / EUCTR_FILE
        path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))

    before = digest(db, TRIAL_TABLES)
    load_replay(damaged_copy(tmp_path, "euctr", latin1), db, ["euctr"], "latin1-run")
    reasons = query(db, "SELECT check_name, failure_value FROM quarantine WHERE source = 'euctr'")
    assert {check for check, _ in reasons} == {"record:undecodable_text"}
    assert all("not UTF-8" in value for _, value in reasons)
    after = digest(db, TRIAL_TABLES)
    assert {t: after[t] for t in TRIAL_TABLES} == {t: before[t] for t in TRIAL_TABLES}


# -- ClinicalTrials.gov: one bad study is quarantined, the rest of its page loads ---------------


BAD_STUDIES = {
    "text in a number": (
        set_field("designModule.enrollmentInfo.count", "abc"),
        None,
        "record:wrong_type",
        "abc",
    ),
    "invalid UTF-8": (
        set_field("identificationModule.briefTitle", "CAR-T ZZBADZZ"),
        lambda body: body.replace(b"ZZBADZZ", b"\xe9t\xe9"),
        "record:invalid_utf8",
        "\\xe9t\\xe9",
    ),
    "a raw NUL byte": (
        set_field("identificationModule.briefTitle", "CAR-T ZZNULZZ"),
        lambda body: body.replace(b"ZZNULZZ", b"\x00"),
        "record:control_character",
        "briefTitle",
    ),
    "an escaped NUL": (
        set_field("identificationModule.briefTitle", "CAR-T \x00"),
        None,
        "record:control_character",
        "",
    ),
    "no protocolSection": (lambda study: study.pop("protocolSection"), None, "protocolSection:missing", ""),
    "an impossible update date": (
        set_field("statusModule.lastUpdatePostDateStruct.date", "2099-99-99"),
        None,
        "last_update_date:str_matches",
        "2099-99-99",
    ),
    "an update date in the future": (
        set_field("statusModule.lastUpdatePostDateStruct.date", "2099-01-01"),
        None,
        "last_update_date:real_date_not_in_future",
        "2099-01-01",
    ),
}


@pytest.mark.parametrize("case", BAD_STUDIES)
def test_one_bad_study_is_quarantined_with_its_reason_and_the_rest_loads(tmp_path: Path, case: str) -> None:
    edit, raw, check, value = BAD_STUDIES[case]
    db = tmp_path / "atlas.duckdb"
    load_replay(damaged_copy(tmp_path, "ctgov", edit_study(3, edit, raw)), db, ["ctgov"], "bad-study")
    assert scalar(db, "SELECT count(*) FROM trials") == 2273
    reasons = query(db, "SELECT check_name, failure_value FROM quarantine WHERE table_name = 'trials'")
    assert reasons and any(name.startswith(check) and value in failed for name, failed in reasons), reasons
    assert scalar(db, "SELECT watermark FROM pipeline_runs") == "2026-08-21", "never a damaged date"


def test_a_stored_watermark_that_is_no_date_or_lies_ahead_is_passed_over(db: Path) -> None:
    con = warehouse.load.connect_writer(db)
    for poisoned in ("2099-99-99", "2099-01-01"):
        con.execute(
            "INSERT INTO pipeline_runs (run_id, source, watermark) VALUES (?, 'ctgov', ?)",
            [poisoned, poisoned],
        )
    con.close()
    assert latest_watermark(db, "ctgov") == "2026-08-21"


def test_a_truncated_page_fails_clearly_and_leaves_the_warehouse(db: Path, tmp_path: Path) -> None:
    def truncate(folder: Path) -> None:
        page = folder / "page-0002.json"
        page.write_bytes(page.read_bytes()[:400_000])

    before = digest(db, TRIAL_TABLES)
    with pytest.raises(DamagedPage, match="is not valid JSON"):
        load_replay(damaged_copy(tmp_path, "ctgov", truncate), db, ["ctgov"], "truncated")
    assert digest(db, TRIAL_TABLES) == before


@pytest.mark.parametrize("first_page", ["missing", b"", b"{}", b'{"studies": [], "nextPageToken": "x"}'])
def test_a_missing_or_empty_first_page_is_an_incomplete_run(
    db: Path, tmp_path: Path, first_page: str | bytes
) -> None:
    def damage(folder: Path) -> None:
        page = folder / "page-0001.json"
        page.unlink() if first_page == "missing" else page.write_bytes(first_page)

    before = digest(db, TRIAL_TABLES)
    with pytest.raises(ShortDownload, match="no page of this run carries the source's total count"):
        load_replay(damaged_copy(tmp_path, "ctgov", damage), db, ["ctgov"], "no-first-page")
    assert digest(db, TRIAL_TABLES) == before
    fresh = tmp_path / "fresh.duckdb"
    with pytest.raises(ShortDownload):
        load_replay(damaged_copy(tmp_path / "again", "ctgov", damage), fresh, ["ctgov"], "fresh")
    assert not fresh.exists()


def test_quarantine_rows_without_a_record_key_do_not_pile_up_on_reruns(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    replay = damaged_copy(
        tmp_path,
        "ctgov",
        edit_study(3, lambda study: study["protocolSection"]["identificationModule"].pop("nctId")),
    )
    load_replay(replay, db, ["ctgov"], "run-1")
    first = scalar(db, "SELECT count(*) FROM quarantine")
    assert first > 0 and scalar(db, "SELECT count(*) FROM quarantine WHERE entity_key IS NULL") == first
    load_replay(replay, db, ["ctgov"], "run-2")
    load_replay(replay, db, ["ctgov"], "run-3")
    assert scalar(db, "SELECT count(*) FROM quarantine") == first


def test_a_corrupt_xlsx_fails_clearly(tmp_path: Path) -> None:
    def corrupt(folder: Path) -> None:
        (report,) = folder.glob("*.xlsx")
        report.write_bytes(report.read_bytes()[:20_000])

    db = tmp_path / "atlas.duckdb"
    with pytest.raises(DamagedPage, match="not a readable xlsx workbook"):
        load_replay(damaged_copy(tmp_path, "ema", corrupt), db, ["ema"], "corrupt")
    assert not db.exists()


# -- A retried fetch never mixes in the pages of an earlier attempt -----------------------------


def test_a_retried_fetch_lands_afresh_and_parses_only_its_own_pages(
    tmp_path: Path, isolated_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_MIN_INTERVAL", "0")
    run_folder = isolated_data / "raw" / "ctgov" / "run-1"
    stale = RawLanding(run_folder)  # the first attempt: two pages, then it failed
    for _ in range(2):
        stale.write(b'{"studies": [], "nextPageToken": "stale"}', url=BASE_URL, params=None, status=200)
    with rm.Mocker() as mock:
        mock.get(BASE_URL, content=(FIXTURES / "ctgov" / "edge_cases.json").read_bytes())
        landed = pipeline.land_live("ctgov", "run-1", full=True, db_path=tmp_path / "none.duckdb")
    assert Path(landed.folder).name == "run-1-attempt2"
    assert [Path(page).name for page in landed.pages] == ["page-0001.json"]
    assert len(list(run_folder.glob("page-*.json"))) == 2, "the first attempt's pages are kept as sent"
    with pytest.raises(FileExistsError):
        RawLanding(run_folder)


# -- Quality gates: a load that makes the warehouse worse fails unless accepted -----------------


def test_a_load_that_shrinks_a_table_fails_and_loads_nothing(db: Path, tmp_path: Path) -> None:
    before = digest(db, TRIAL_TABLES)
    replay = damaged_copy(tmp_path, "ctgov", drop_on_page("contactsLocationsModule"))
    with pytest.raises(QualityGateFailed, match=r"ctgov: trial_sites would shrink from 8197 to \d+ rows"):
        load_replay(replay, db, ["ctgov"], "shrinking")
    assert digest(db, TRIAL_TABLES) == before


def test_a_load_that_blanks_a_filled_column_fails(db: Path, tmp_path: Path) -> None:
    replay = damaged_copy(tmp_path, "ctgov", drop_on_page("identificationModule", "briefTitle"))
    with pytest.raises(QualityGateFailed, match=r"trials\.title would be filled in \d+ rows instead of 2274"):
        load_replay(replay, db, ["ctgov"], "blanking")


def test_accept_shrink_loads_and_is_recorded(db: Path, tmp_path: Path) -> None:
    replay = damaged_copy(tmp_path, "ctgov", drop_on_page("contactsLocationsModule"))
    landed = pipeline.find_replay("ctgov", replay)
    summaries = [pipeline.stage_one_chunk("ctgov", "accepted", landed.pages, 1)]
    run = pipeline.summarise_run(landed, "accepted", pipeline.now_iso(), False, summaries)
    warehouse.load.load_runs(db, [run], accept_shrink=True)
    gate, findings = query(
        db, "SELECT quality_gate, quality_findings FROM pipeline_runs WHERE run_id = 'accepted'"
    )[0]
    assert gate == "accepted" and "trial_sites would shrink" in findings
    assert (
        scalar(db, "SELECT count(*) FROM trial_sites JOIN trials USING (trial_id) WHERE source = 'ctgov'")
        < 8197
    )
    assert (
        scalar(db, "SELECT quality_gate FROM pipeline_runs WHERE run_id = 'baseline-run' LIMIT 1") == "passed"
    )


def test_an_unreadable_ctis_trial_is_quarantined_and_the_others_load(tmp_path: Path) -> None:
    folder = tmp_path / "replay" / "ctis"
    shutil.copytree(shared_path("samples", "ctis"), folder, ignore=shutil.ignore_patterns("*.md"))
    damaged = folder / "ctrdata__CTIS__2023-505613-24-00.json"
    damaged.write_bytes(damaged.read_bytes().replace(b'"ctStatus"', b'"ctStatus\xff"', 1))  # not UTF-8
    db = tmp_path / "atlas.duckdb"
    load_replay(folder.parent, db, ["ctis"], "ctis-run")
    assert scalar(db, "SELECT count(*) FROM trials") == 3
    (reason,) = query(db, "SELECT entity_key, check_name FROM quarantine")
    assert reason == ("2023-505613-24-00", "record:unreadable")


def test_more_records_than_reported_is_flagged_on_the_run(tmp_path: Path) -> None:
    def undercount(folder: Path) -> None:
        page = folder / "page-0001.json"
        page.write_bytes(page.read_bytes().replace(b'"totalCount": 2274', b'"totalCount": 2000'))

    db = tmp_path / "atlas.duckdb"
    load_replay(damaged_copy(tmp_path, "ctgov", undercount), db, ["ctgov"], "more")
    gate, notes = query(db, "SELECT quality_gate, quality_findings FROM pipeline_runs")[0]
    assert gate == "passed" and "2274 distinct records loaded, more than the 2000" in notes


@pytest.mark.parametrize(
    ("damage", "error", "says"),
    [
        (lambda body: body[: len(body) // 2], DamagedPage, "not a readable ICTRP XML export"),
        (
            lambda body: body[: body.index(b"<Trial>")] + b"</Trials_downloaded_from_ICTRP>",
            PageStructureChanged,
            "holds no <Trial> element",
        ),
    ],
    ids=["cut short", "no trials"],
)
def test_a_damaged_ictrp_export_fails_clearly(
    db: Path, tmp_path: Path, damage: Callable[[bytes], bytes], error: type, says: str
) -> None:
    def apply(folder: Path) -> None:
        (export,) = folder.glob("*.xml")
        export.write_bytes(damage(export.read_bytes()))

    before = digest(db, TRIAL_TABLES)
    with pytest.raises(error, match=says):
        load_replay(damaged_copy(tmp_path, "ictrp", apply), db, ["ictrp"], "ictrp-damaged")
    assert digest(db, TRIAL_TABLES) == before
