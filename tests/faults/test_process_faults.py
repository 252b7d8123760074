"""Process faults: kills, interrupts, a full disk, a wrong file, two refreshes at once.

Each test names the promise it keeps. The interrupt tests run the real CLI in a subprocess,
with Prefect's temporary server (about 15 s each).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, shared_path
from helpers import counts, ingest

import warehouse.load
import warehouse.status
from cgt_atlas.cli import app
from cgt_atlas.errors import EXIT_TEMPFAIL, EXIT_USAGE, NotAWarehouse, RefreshRunning, WarehouseDiskFull
from cgt_atlas.refresh_lock import refresh_lock
from warehouse.load import connect_reader, connect_writer

TESTS_DIR = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("cgt-atlas")
WAREHOUSE_TABLES = ("trials", "trial_sites", "quarantine", "pipeline_runs")


def edge_replay(tmp_path: Path) -> Path:
    """A DIR/ctgov/ replay of the small edge-case page (2 trials, 3 quarantined rows)."""
    folder = tmp_path / "edge" / "ctgov"
    folder.mkdir(parents=True)
    (folder / "page-0001.json").write_bytes((FIXTURES / "ctgov" / "edge_cases.json").read_bytes())
    return folder.parent


def leftovers(db: Path) -> list[str]:
    """Files a first load builds beside the warehouse before moving one into place."""
    return sorted(p.name for p in db.parent.glob(f"{db.name}.building-*"))


# --- 1. kill -9 in a first load; readers of a warehouse with no tables -------------------------


def test_kill_9_during_a_first_load_leaves_no_file_at_the_warehouse_path(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    replay = edge_replay(tmp_path)
    script = (
        f"import sys, time; sys.path.insert(0, {str(TESTS_DIR)!r})\n"
        "from pathlib import Path\n"
        "import warehouse.load\n"
        "from helpers import ingest\n"
        "def stuck(con):\n"
        "    print('loading', flush=True)\n"
        "    time.sleep(120)\n"
        "warehouse.load.build_models = stuck\n"
        f"ingest(Path({str(replay)!r}), Path({str(db)!r}))\n"
    )
    loader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert loader.stdout is not None and loader.stdout.readline().strip() == "loading"
        loader.kill()
    finally:
        loader.wait()
    assert not db.exists(), "a killed first load must not leave a file at the warehouse path"
    building = f"atlas.duckdb.building-{loader.pid}"
    assert building in leftovers(db) and set(leftovers(db)) <= {building, f"{building}.wal"}
    assert ingest(replay, db) == {"changed": 2, "loaded": 2}
    assert leftovers(db) == [], "the next load clears what the killed one left"
    assert counts(db, "trials")["trials"] == 2


def make_schemaless(db: Path) -> None:
    """What a kill in a first load left before: a DuckDB file with no tables."""
    duckdb.connect(str(db)).close()


def make_zero_bytes(db: Path) -> None:
    db.touch()


@pytest.mark.parametrize("make", [make_schemaless, make_zero_bytes], ids=["schema-less", "zero-bytes"])
@pytest.mark.parametrize(
    "command",
    [["report", "--out", "{out}/r.html"], ["export", "{out}/x"], ["status"], ["sql", "select * from trials"]],
    ids=["report", "export", "status", "sql"],
)
def test_readers_of_a_warehouse_without_tables_say_how_to_build_it(
    tmp_path: Path, make, command: list[str]
) -> None:
    db = tmp_path / "atlas.duckdb"
    make(db)
    args = [part.format(out=tmp_path) for part in command] + ["--db", str(db)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"error: {db}" in result.output
    assert "holds no warehouse tables" in result.output or "is empty (0 bytes)" in result.output
    assert "an interrupted first refresh?" in result.output
    assert "next: run cgt-atlas refresh" in result.output


def test_a_zero_byte_file_an_older_killed_load_left_is_replaced_by_the_first_load(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    make_zero_bytes(db)
    assert ingest(edge_replay(tmp_path), db) == {"changed": 2, "loaded": 2}
    assert counts(db, "trials", "quarantine") == {"trials": 2, "quarantine": 3}
    assert leftovers(db) == []


# --- 2. a file that is not a database is not "busy" ----------------------------------------------


def test_a_file_that_is_not_a_database_is_named_and_not_called_busy(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("these are my notes, not a warehouse\n" * 50)
    content = db.read_bytes()
    for connect in (connect_reader, connect_writer):
        with pytest.raises(NotAWarehouse, match="is not a DuckDB database") as raised:
            connect(db)
        assert "another process" not in str(raised.value)
    runner = CliRunner()
    for args in (["sql", "select 1"], ["refresh", "--replay", str(tmp_path), "--source", "ctgov"]):
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == EXIT_USAGE, result.output  # a wrong --db: fix the command
        assert f"error: {db} is not a DuckDB database" in result.output
        assert "next: check that --db (or CGT_ATLAS_DB) names the warehouse" in result.output
        assert "another process" not in result.output and "Traceback" not in result.output
    assert db.read_bytes() == content, "the file is left as it was"


# --- 3. a full disk at commit ---------------------------------------------------------------------


class DiskFullAtCommit:
    """A writer connection whose COMMIT fails as DuckDB's does when the WAL cannot be written."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def commit(self) -> None:
        self._con.rollback()  # DuckDB ends the transaction when its commit fails
        raise duckdb.IOException(
            'TransactionContext Error: Failed to commit: Could not write file "atlas.duckdb.wal": '
            "No space left on device"
        )

    def execute(self, query: str, *args, **kwargs):  # noqa: ANN002, ANN003 - DuckDB's signature
        if query.strip().upper() == "COMMIT":
            return self.commit()
        return self._con.execute(query, *args, **kwargs)


@pytest.mark.parametrize("existing", [True, False], ids=["existing-warehouse", "first-load"])
def test_a_full_disk_at_commit_says_so_and_leaves_the_warehouse_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    db = tmp_path / "atlas.duckdb"
    if existing:
        ingest(edge_replay(tmp_path), db)
        before = counts(db, *WAREHOUSE_TABLES)
    real_connect = warehouse.load.connect_writer
    monkeypatch.setattr(warehouse.load, "connect_writer", lambda path: DiskFullAtCommit(real_connect(path)))
    with pytest.raises(WarehouseDiskFull) as raised:
        ingest(shared_path("replay"), db)
    message = str(raised.value)
    assert "no transaction is active" not in message, "the rollback must not mask the real error"
    assert f"no space left on the disk of {db}" in message and "No space left on device" in message
    assert "the warehouse is unchanged" in message and "next: free space" in message
    monkeypatch.undo()
    if existing:
        assert counts(db, *WAREHOUSE_TABLES) == before
    else:
        assert not db.exists()
    assert leftovers(db) == []


# --- 4. Ctrl-C and SIGTERM ------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Processes whose parent is pid, from /proc (no psutil here)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def is_prefect_server(pid: int) -> bool:
    """A live (not zombie) process running Prefect's temporary server."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return b"prefect.server.api.server" in cmdline and state != "Z"


@pytest.mark.parametrize(
    ("signum", "status", "moment"),
    [(signal.SIGTERM, 143, "server up"), (signal.SIGINT, 130, "first load")],
    ids=["sigterm-with-the-server-up", "ctrl-c-in-a-first-load"],
)
def test_an_interrupt_stops_cleanly_and_takes_prefects_server_down(
    tmp_path: Path, signum: int, status: int, moment: str
) -> None:
    db = tmp_path / "atlas.duckdb"
    if moment == "server up":
        ingest(edge_replay(tmp_path), db)
        before = counts(db, *WAREHOUSE_TABLES)
    out_file, err_file = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    servers: set[int] = set()
    # Files, not pipes: a server that outlived the CLI would hold a pipe open and hang the test.
    with out_file.open("w") as stdout, err_file.open("w") as stderr:
        cli = subprocess.Popen(
            [str(CLI), "refresh", "--replay", str(shared_path("replay")), "--db", str(db)],
            stdout=stdout,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and cli.poll() is None:
            servers |= {pid for pid in children(cli.pid) if is_prefect_server(pid)}
            if moment == "server up" and servers:
                time.sleep(1.5)
                break
            if moment == "first load" and leftovers(db):
                break
            time.sleep(0.01)
        assert cli.poll() is None, f"the refresh ended before the {moment} moment"
        cli.send_signal(signum)
        cli.wait(timeout=120)
        time.sleep(0.2)
        leftover_servers = [pid for pid in servers if is_prefect_server(pid)]
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        for pid in servers:  # never leave a server behind, even when the test fails
            if is_prefect_server(pid):
                os.kill(pid, signal.SIGKILL)
    out, err = out_file.read_text(), err_file.read_text()
    assert servers, "the refresh started Prefect's temporary server"
    assert not leftover_servers, "Prefect's server outlived the CLI"
    assert cli.returncode == status, err
    assert "Traceback" not in err + out
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    how = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    assert lines == [f"error: interrupted ({how}); the warehouse is unchanged"], err
    if moment == "server up":
        assert counts(db, *WAREHOUSE_TABLES) == before
    else:
        assert not db.exists()
    assert leftovers(db) == []


# --- 5. error: and next:, a traceback only with -v -------------------------------------------------


def test_an_unexpected_error_prints_error_and_next_and_a_traceback_only_with_v(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(db_path: Path) -> list:
        raise ValueError("a bug nobody expected")

    monkeypatch.setattr(warehouse.status, "status_tables", broken)
    quiet = CliRunner().invoke(app, ["status", "--db", str(tmp_path / "x.duckdb")])
    assert quiet.exit_code == 1
    assert "error: ValueError: a bug nobody expected" in quiet.output
    assert "next: rerun with -v for the traceback and report it" in quiet.output
    assert "Traceback" not in quiet.output
    loud = CliRunner().invoke(app, ["-v", "status", "--db", str(tmp_path / "x.duckdb")])
    assert loud.exit_code == 1
    assert "Traceback" in loud.output and "error: ValueError: a bug nobody expected" in loud.output


def test_refresh_keeps_its_own_v_and_an_atlas_error_still_prints_its_next(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["refresh", "-v", "--source", "ctgvo", "--db", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "error: unknown source ctgvo" in result.output


def test_a_failing_query_prints_error_and_next(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    ingest(edge_replay(tmp_path), db)
    result = CliRunner().invoke(app, ["sql", "select nope from trials", "--db", str(db)])
    assert result.exit_code == 1
    assert "error: Binder Error" in result.output
    assert 'next: check the query; the tables: cgt-atlas sql "show tables"' in result.output
    assert "Traceback" not in result.output


# --- 6. one refresh per warehouse -----------------------------------------------------------------


def test_a_second_refresh_on_the_same_warehouse_stops_at_once_naming_the_first(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from cgt_atlas.refresh_lock import refresh_lock\n"
            f"with refresh_lock(Path({str(db)!r})):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = CliRunner().invoke(app, ["refresh", "--replay", str(shared_path("replay")), "--db", str(db)])
        assert time.monotonic() - started < 5, "refused before any work, Prefect's start-up included"
        assert result.exit_code == EXIT_TEMPFAIL  # retry later
        assert f"error: another refresh is running on {db} (pid {holder.pid}, started at " in result.output
        assert "next: wait for that refresh to finish, or use another --db" in result.output
        assert "refreshing" not in result.output
    finally:
        holder.kill()
        holder.wait()
    # The kernel let go of the killed holder's lock; a second taker is refused while it is held.
    with refresh_lock(db), pytest.raises(RefreshRunning), refresh_lock(db):
        pass


HEARTBEAT_INSIDE = (
    "from flows.quiet import without_heartbeats_on_a_temporary_server as lean\n"
    "from prefect.settings import get_current_settings\n"
    "with lean():\n"
    "    print(get_current_settings().flows.heartbeat_frequency)\n"
)


@pytest.mark.parametrize(
    ("user_env", "heartbeat"),
    [
        ({}, "None"),
        ({"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "60"}, "60"),
        ({"PREFECT_API_URL": "http://127.0.0.1:4200/api"}, "180"),
    ],
    ids=["temporary-server", "user-set-heartbeat", "user-server"],
)
def test_prefect_start_up_defaults_keep_what_the_user_set(
    monkeypatch: pytest.MonkeyPatch, user_env: dict[str, str], heartbeat: str
) -> None:
    from flows.quiet import START_UP_DEFAULTS, quiet_prefect

    for name in (*START_UP_DEFAULTS, "PREFECT_API_URL", "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "7")
    quiet_prefect()
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "7", "the user's value stays"
    assert os.environ["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "false"
    # Prefect reads its settings once per process: each case gets a fresh one.
    shown = subprocess.run(
        [sys.executable, "-c", HEARTBEAT_INSIDE],
        env={**os.environ, **user_env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == heartbeat


def _without_prefect_settings(**extra: str) -> dict[str, str]:
    """This environment as a user's shell has it: without the PREFECT_* settings earlier tests left in this
    process (quiet_prefect sets its defaults with setdefault, which no monkeypatch undoes)."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, **extra}


STUCK_IN_DUCKDB = """
import sys
import duckdb
import cgt_atlas.pipeline, warehouse.load
PHASE = sys.argv[1]
def stuck(*args, **kwargs):
    print("stuck", flush=True)
    duckdb.sql("SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3").fetchall()
if PHASE == "staging":
    cgt_atlas.pipeline.stage_one_chunk = stuck
else:
    warehouse.load.merge_run = stuck
from cgt_atlas.cli import main
sys.argv = ["cgt-atlas", "refresh", "--replay", sys.argv[2], "--db", sys.argv[3], "--source", "ctgov"]
main()
"""


@pytest.mark.xfail(
    strict=False,
    reason="intermittent (1 run in 2 or 3 in the full suite, never alone): a SIGTERM inside a DuckDB query "
    "sometimes leaves the process running past 120 s; open in issue 25",
)
@pytest.mark.parametrize("phase", ["staging", "load"])
def test_sigterm_inside_a_duckdb_query_stops_the_run_with_143_and_changes_nothing(
    tmp_path: Path, phase: str
) -> None:
    """DuckDB reports a signal mid-query as "Query interrupted", and in a flow run Prefect's own SIGTERM
    handler replaces ours: neither may pass for one source's failure, letting the run go on."""
    db = tmp_path / "atlas.duckdb"
    replay = edge_replay(tmp_path)
    ingest(replay, db)
    before = counts(db, *WAREHOUSE_TABLES)
    out_file = tmp_path / "output.txt"
    # A file, not a pipe: Prefect's temporary server inherits the CLI's output, and a pipe it holds open
    # would keep a reader waiting after the CLI has exited.
    with out_file.open("w") as output_sink:
        run = subprocess.Popen(
            [sys.executable, "-c", STUCK_IN_DUCKDB, phase, str(replay), str(db)],
            stdout=output_sink,
            stderr=subprocess.STDOUT,
            env=_without_prefect_settings(CGT_ATLAS_DATA=str(tmp_path / "data")),
        )
    try:
        deadline = time.monotonic() + 120
        while "stuck" not in out_file.read_text() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # inside the DuckDB query
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    output = out_file.read_text()
    assert run.returncode == 128 + signal.SIGTERM, output
    assert "error: interrupted (SIGTERM); the warehouse is unchanged" in output
    assert "failed, its last good data kept" not in output and "Traceback" not in output
    assert counts(db, *WAREHOUSE_TABLES) == before
    assert leftovers(db) == []
