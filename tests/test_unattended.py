"""Unattended runs: a source fails alone, exit codes a scheduler acts on, every run recorded, someone is
told, readers never block the refresh, and the file opens in DuckDB 1.4.

Refreshes here run through the CLI and the Prefect flow on small replay folders built from the committed
fixtures (a ClinicalTrials.gov page, an ICTRP export), so each takes a few seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from helpers import EDGE_CASES, counts, query, scalar

from cgt_atlas.cli import app
from cgt_atlas.errors import EXIT_FAILED, EXIT_GATE, EXIT_OK, EXIT_PARTIAL, EXIT_TEMPFAIL, EXIT_USAGE
from cgt_atlas.outcome import RefreshOutcome
from cgt_atlas.refresh_lock import refresh_lock
from warehouse.load import READABLE_STORAGE_VERSIONS, storage_version

ICTRP_EXPORT = FIXTURES / "ictrp" / "edge_cases.xml"
SOURCES = ["--source", "ctgov", "--source", "ictrp"]


def _replay(folder: Path, *, ictrp: bytes | None = None, ctgov: bytes | None = None) -> Path:
    """A replay folder with a ClinicalTrials.gov page and an ICTRP export (the fixtures unless given)."""
    (folder / "ctgov").mkdir(parents=True)
    (folder / "ictrp").mkdir()
    (folder / "ctgov" / "page-0001.json").write_bytes(EDGE_CASES.read_bytes() if ctgov is None else ctgov)
    (folder / "ictrp" / "export.xml").write_bytes(ICTRP_EXPORT.read_bytes() if ictrp is None else ictrp)
    return folder


def _cut(body: bytes) -> bytes:
    """The body cut mid-record, as a dropped connection leaves it."""
    return body[: len(body) // 2]


def _refresh(replay: Path, db: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["refresh", "--replay", str(replay), "--db", str(db), *SOURCES, *extra])
    return result.exit_code, result.output


def test_a_failing_source_keeps_its_data_and_the_others_load(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    code, output = _refresh(_replay(tmp_path / "good"), db)
    assert code == EXIT_OK, output
    ictrp_rows = scalar(db, "SELECT count(*) FROM trials WHERE source = 'ictrp'")
    assert ictrp_rows > 0

    changed = json.loads(EDGE_CASES.read_bytes())
    changed["studies"][0]["protocolSection"]["identificationModule"]["briefTitle"] = "A newer title"
    damaged = _replay(
        tmp_path / "damaged", ictrp=_cut(ICTRP_EXPORT.read_bytes()), ctgov=json.dumps(changed).encode()
    )
    code, output = _refresh(damaged, db)
    assert code == EXIT_PARTIAL, output
    assert "ictrp: failed, its last good data kept" in output and "error:" in output and "next:" in output
    assert "partial (exit 3)" in output
    # ctgov loaded its change; ictrp kept its last good data
    assert "A newer title" in {
        title for (title,) in query(db, "SELECT title FROM trials WHERE source = 'ctgov'")
    }
    assert scalar(db, "SELECT count(*) FROM trials WHERE source = 'ictrp'") == ictrp_rows
    [(status, error, next_step, retry)] = query(
        db,
        "SELECT status, error, next_step, retry_later FROM pipeline_runs WHERE source = 'ictrp' "
        "ORDER BY finished_at DESC LIMIT 1",
    )
    assert status == "failed" and "ICTRP" in error and next_step and retry is False

    result = CliRunner().invoke(app, ["status", "--db", str(db), "-f", "json"])
    document = json.loads(result.output)  # one JSON document, not one per section
    runs = {run["source"]: run for run in document["last run per source"]}
    assert runs["ictrp"]["stale"] is True and runs["ctgov"]["stale"] is False
    assert runs["ictrp"]["last_loaded_at"] is not None

    check = CliRunner().invoke(app, ["status", "--check", "--db", str(db)])
    assert check.exit_code == EXIT_FAILED and "stale: ictrp" in check.output

    export = CliRunner().invoke(app, ["export", str(tmp_path / "out"), "--db", str(db)])
    assert export.exit_code == 0, export.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {s["source"]: s["stale"] for s in manifest["sources"]} == {"ctgov": False, "ictrp": True}

    code, output = _refresh(_replay(tmp_path / "mended"), db)  # the source mends: healthy again
    assert code == EXIT_OK, output
    assert CliRunner().invoke(app, ["status", "--check", "--max-age", "1", "--db", str(db)]).exit_code == 0


def test_status_check_flags_data_older_than_max_age(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    assert _refresh(_replay(tmp_path / "good"), db)[0] == EXIT_OK
    con = duckdb.connect(str(db))
    con.execute("UPDATE pipeline_runs SET finished_at = finished_at - INTERVAL 3 DAY")
    con.close()
    result = CliRunner().invoke(app, ["status", "--check", "--max-age", "30", "--db", str(db)])
    assert result.exit_code == EXIT_FAILED and "more than --max-age 30 h" in result.output
    assert CliRunner().invoke(app, ["status", "--check", "--db", str(db)]).exit_code == 0
    usage = CliRunner().invoke(app, ["status", "--max-age", "30", "--db", str(db)])
    assert usage.exit_code == EXIT_USAGE


def test_a_quality_gate_holding_a_source_back_exits_4_and_keeps_its_data(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    assert _refresh(_replay(tmp_path / "good"), db)[0] == EXIT_OK
    before = counts(db, "trials", "trial_sites")
    page = json.loads(EDGE_CASES.read_bytes())
    for study in page["studies"]:
        study["protocolSection"].pop("contactsLocationsModule", None)  # every site gone at once
    code, output = _refresh(_replay(tmp_path / "shrunk", ctgov=json.dumps(page).encode()), db)
    assert code == EXIT_GATE, output
    assert "the quality gates held ctgov back" in output
    assert counts(db, "trials", "trial_sites") == before
    [(status, gate)] = query(
        db,
        "SELECT status, quality_gate FROM pipeline_runs WHERE source = 'ctgov' "
        "ORDER BY finished_at DESC LIMIT 1",
    )
    assert (status, gate) == ("held_by_gate", "held")


def test_a_busy_lock_is_temporary_and_a_bad_db_is_usage(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    with refresh_lock(db):
        code, output = _refresh(_replay(tmp_path / "good"), db)
    assert code == EXIT_TEMPFAIL and "another refresh is running" in output
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("these are my notes, not a warehouse\n")
    code, output = _refresh(tmp_path / "good", not_a_db)
    assert code == EXIT_USAGE and "is not a DuckDB database" in output


def test_every_source_failing_for_good_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    broken = _replay(tmp_path / "broken", ctgov=b"{not json", ictrp=_cut(ICTRP_EXPORT.read_bytes()))
    code, output = _refresh(broken, db)
    assert code == EXIT_FAILED, output
    assert not db.exists()  # a first run that loads nothing makes no warehouse


@pytest.mark.parametrize(
    ("failures", "changed", "expected"),
    [
        ([], {"ctgov": {}}, EXIT_OK),
        ([{"source": "ema", "status": "failed", "retry_later": True}], {"ctgov": {}}, EXIT_PARTIAL),
        ([{"source": "ema", "status": "held_by_gate", "retry_later": False}], {"ctgov": {}}, EXIT_GATE),
        ([{"source": "ema", "status": "failed", "retry_later": True}], {}, EXIT_TEMPFAIL),
        (
            [
                {"source": "ema", "status": "failed", "retry_later": True},
                {"source": "ctis", "status": "failed", "retry_later": False},
            ],
            {},
            EXIT_FAILED,
        ),
    ],
)
def test_exit_codes_follow_the_sources_outcomes(failures: list, changed: dict, expected: int) -> None:
    assert RefreshOutcome(run_id="r", changed=changed, failures=failures).exit_code == expected


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[float, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((time.monotonic(), json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    """A webhook on 127.0.0.1 that keeps what it is sent."""
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"json://127.0.0.1:{server.server_port}/hook"
    finally:
        server.shutdown()


def test_a_partial_run_notifies_the_webhook_naming_the_source_and_the_next_step(
    tmp_path: Path, webhook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_NOTIFY", webhook)
    db = tmp_path / "atlas.duckdb"
    assert _refresh(_replay(tmp_path / "good"), db)[0] == EXIT_OK
    assert _Hook.received == []  # a clean run tells no one
    started = time.monotonic()
    code, output = _refresh(_replay(tmp_path / "damaged", ictrp=_cut(ICTRP_EXPORT.read_bytes())), db)
    assert code == EXIT_PARTIAL, output
    [(arrived, message)] = _Hook.received
    assert "ictrp" in message["title"] and "partial" in message["title"]
    assert "ictrp (failed)" in message["message"] and "next:" in message["message"]
    assert arrived - started < 60


def test_a_run_failing_as_a_whole_notifies_too(
    tmp_path: Path, webhook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_NOTIFY", webhook)
    db = tmp_path / "atlas.duckdb"
    with refresh_lock(db):
        code, _output = _refresh(_replay(tmp_path / "good"), db)
    assert code == EXIT_TEMPFAIL
    [(_at, message)] = _Hook.received
    assert "failed (exit 75)" in message["title"] and "another refresh is running" in message["message"]


def test_a_notification_url_apprise_does_not_know_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_NOTIFY", "nonsense-scheme://x")
    db = tmp_path / "atlas.duckdb"
    code, output = _refresh(_replay(tmp_path / "damaged", ictrp=_cut(ICTRP_EXPORT.read_bytes())), db)
    assert code == EXIT_PARTIAL
    assert "warning: CGT_ATLAS_NOTIFY is not a notification URL" in output


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM trials").fetchone()[0], flush=True)
sys.stdin.readline()  # held open until told
print(con.execute("SELECT count(*) FROM trials").fetchone()[0], flush=True)
"""


def test_a_reader_held_open_across_a_refresh_neither_blocks_it_nor_sees_it_half_done(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    ctgov_only = [
        "refresh",
        "--replay",
        str(_replay(tmp_path / "good")),
        "--db",
        str(db),
        "--source",
        "ctgov",
    ]
    assert CliRunner().invoke(app, ctgov_only).exit_code == EXIT_OK
    first = scalar(db, "SELECT count(*) FROM trials")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert int(reader.stdout.readline()) == first  # a notebook holding the README's read-only connection
        result = CliRunner().invoke(
            app, ["refresh", "--replay", str(tmp_path / "good"), "--db", str(db), *SOURCES]
        )
        assert result.exit_code == EXIT_OK, result.output
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == first  # its view stays whole and consistent
    finally:
        reader.kill()
        reader.wait()
    assert scalar(db, "SELECT count(*) FROM trials") > first  # a new connection sees the new warehouse


def test_the_warehouse_is_written_in_a_format_duckdb_1_4_reads(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    assert _refresh(_replay(tmp_path / "good"), db)[0] == EXIT_OK
    assert storage_version(db) in READABLE_STORAGE_VERSIONS
    trials = scalar(db, "SELECT count(*) FROM trials")
    # a warehouse an older release wrote in DuckDB 2.0's own format is rewritten once, data kept
    newer = tmp_path / "newer.duckdb"
    con = duckdb.connect(str(newer))
    con.execute("ATTACH ? AS old (READ_ONLY)", [str(db)])
    con.execute("COPY FROM DATABASE old TO newer")
    con.close()
    assert storage_version(newer) not in READABLE_STORAGE_VERSIONS
    code, output = _refresh(tmp_path / "good", newer)
    assert code == EXIT_OK, output
    assert storage_version(newer) in READABLE_STORAGE_VERSIONS
    assert scalar(newer, "SELECT count(*) FROM trials") == trials
    assert not list(tmp_path.glob("*.building-*"))


def test_a_second_load_leaves_no_copy_behind(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    for _ in range(2):
        assert _refresh(_replay(tmp_path / f"r{_}"), db)[0] == EXIT_OK
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == [
        "atlas.duckdb",
        "atlas.duckdb.refresh.lock",
    ]
    shutil.rmtree(tmp_path / "r0")


def test_each_refresh_records_what_it_changed_and_a_rerun_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    assert _refresh(_replay(tmp_path / "first"), db)[0] == EXIT_OK
    assert scalar(db, "SELECT count(*) FROM run_changes") == 0  # the first load is the baseline
    page = json.loads(EDGE_CASES.read_bytes())
    cgt = page["studies"][0]["protocolSection"]
    trial_id = cgt["identificationModule"]["nctId"]
    before = cgt["statusModule"]["overallStatus"]
    cgt["statusModule"]["overallStatus"] = "TERMINATED"
    cgt["contactsLocationsModule"]["locations"].append(
        {"facility": "Hospital Nacional", "city": "Lima", "country": "Peru"}
    )
    assert _refresh(_replay(tmp_path / "second", ctgov=json.dumps(page).encode()), db)[0] == EXIT_OK
    changes = query(db, 'SELECT change, source, entity_key, "before", "after" FROM run_changes ORDER BY 1')
    assert changes == [
        ("new_site", "ctgov", f"{trial_id}|PE|Lima|Hospital Nacional", None, trial_id),
        ("trial_status", "ctgov", trial_id, before, "TERMINATED"),
    ]
    assert _refresh(tmp_path / "second", db)[0] == EXIT_OK  # the same input again changes nothing
    assert scalar(db, "SELECT count(*) FROM run_changes") == 2

    listed = CliRunner().invoke(app, ["changes", "--db", str(db), "-f", "csv"])
    assert listed.exit_code == 0 and "trial_status" in listed.output and "TERMINATED" in listed.output
    digest = CliRunner().invoke(app, ["changes", "--db", str(db), "--since", "2000-01-01", "--digest"])
    assert "## Trial status changes (1)" in digest.output and f"{before} -> TERMINATED" in digest.output
    report = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0
    assert (
        "What is new" in (tmp_path / "r.html").read_text()
        and "trial status changes" in (tmp_path / "r.html").read_text()
    )


def test_serve_without_a_prefect_server_fails_at_once_naming_what_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == EXIT_USAGE
    assert "needs a Prefect server" in result.output and "prefect server start" in result.output
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens on the discard port
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == EXIT_TEMPFAIL and "does not answer" in result.output


def test_prefect_yaml_deploys_the_scheduled_flow_with_its_parameters() -> None:
    import inspect

    import yaml

    from flows.scheduled import refresh_and_publish

    config = yaml.safe_load((Path(__file__).parents[1] / "prefect.yaml").read_text())
    [deployment] = config["deployments"]
    assert deployment["entrypoint"] == "flows/scheduled.py:refresh_and_publish"
    assert deployment["work_pool"]["name"] == "cgt-atlas"
    assert deployment["schedules"] == [{"cron": "0 6 * * *", "timezone": "UTC"}]
    flow_parameters = set(inspect.signature(refresh_and_publish.fn).parameters)
    assert set(deployment["parameters"]) == flow_parameters


def test_the_scheduled_flow_refreshes_exports_and_ends_failed_when_a_source_failed(tmp_path: Path) -> None:
    from flows.scheduled import RefreshIncomplete, refresh_and_publish

    db = tmp_path / "atlas.duckdb"
    done = refresh_and_publish(
        db_path=str(db),
        sources=["ctgov", "ictrp"],
        replay_dir=str(_replay(tmp_path / "good")),
        export_dir=str(tmp_path / "exports"),
    )
    assert done["exit_code"] == EXIT_OK and done["exported"] > 0
    assert (tmp_path / "exports" / "manifest.json").exists()
    damaged = _replay(tmp_path / "damaged", ictrp=_cut(ICTRP_EXPORT.read_bytes()))
    with pytest.raises(RefreshIncomplete, match="partial") as raised:
        refresh_and_publish(db_path=str(db), sources=["ctgov", "ictrp"], replay_dir=str(damaged))
    assert raised.value.exit_code == EXIT_PARTIAL
    with refresh_lock(db), pytest.raises(Exception, match="another refresh is running"):
        refresh_and_publish(db_path=str(db), sources=["ctgov"], replay_dir=str(damaged))
