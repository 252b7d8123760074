"""The one writer: merge staged runs into the warehouse and rebuild the models, atomically.

A refresh never writes the live file. It copies the warehouse beside itself (or starts a new one),
merges each source into the copy in a transaction of its own, rebuilds the marts from what loaded,
and then gives the copy the warehouse's name in one rename. So:
- a failure anywhere leaves the live warehouse exactly as it was (the copy is deleted);
- one source failing its quality gate is rolled back alone, and the others still load;
- readers (a notebook, `cgt-atlas sql`, the dashboard) never block the refresh and keep the consistent
  view they opened: the rename swaps in a new file, and an open connection still reads the old one.
The file is written in a storage format DuckDB 1.4 and later read (STORAGE_COMPATIBILITY).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import struct
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cgt_atlas.errors import QualityGateFailed, WarehouseDiskFull
from cgt_atlas.progress import reporter
from cgt_atlas.settings import MODELS_DIR, SEEDS_DIR, WAREHOUSE_DIR
from warehouse import gates
from warehouse.classifier import install_classifier
from warehouse.connect import (
    STORAGE_COMPATIBILITY,
    check_database_file,
    connect_reader,
    connect_writer,
    is_refused,
    table_columns,
)
from warehouse.dictionary import comment_warehouse
from warehouse.runs import USABLE_WATERMARK, SourceFailure, StagedRun, latest_watermark

__all__ = [  # the writer, and what callers long imported from here
    "LoadReport",
    "SourceFailure",
    "StagedRun",
    "check_database_file",
    "connect_reader",
    "connect_writer",
    "is_refused",
    "latest_watermark",
    "load_runs",
    "load_sources",
]


BUILDING_SUFFIX = ".building-"
"""A load builds <db>.building-<pid> and gives it the name <db> once committed."""

READABLE_STORAGE_VERSIONS = range(64, 68)
"""Storage version numbers in a DuckDB file header that DuckDB 1.4 reads (v1.0.0 .. v1.4.x). A warehouse
written outside them (by DuckDB 2.0's default) is rewritten once into the compatible format."""


@dataclass
class LoadReport:
    """What a load did: the sources merged (their counts) and those a quality gate held back."""

    changed: dict[str, dict[str, int]] = field(default_factory=dict)
    held: list[SourceFailure] = field(default_factory=list)


def load_runs(
    db_path: Path, runs: list[StagedRun], *, accept_shrink: bool = False
) -> dict[str, dict[str, int]]:
    """All or nothing: merge every run, or raise QualityGateFailed and change nothing (library use,
    tests and the benchmark). A scheduled refresh uses load_sources, where each source stands alone."""
    return load_sources(db_path, runs, accept_shrink=accept_shrink, all_or_nothing=True).changed


def load_sources(
    db_path: Path,
    runs: list[StagedRun],
    *,
    failures: Sequence[SourceFailure] = (),
    accept_shrink: bool = False,
    all_or_nothing: bool = False,
) -> LoadReport:
    """Merge each staged run in a transaction of its own, record every source's outcome (the failures
    the flow hands in too) in pipeline_runs, rebuild the models from what loaded, and swap the result in.

    Each merge must pass the quality gates (warehouse/gates.py) unless accept_shrink is set. A source
    that fails them is rolled back alone and reported in `held` (all_or_nothing: QualityGateFailed,
    and nothing changes). Nothing to record at all leaves the warehouse untouched.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(db_path)
    existing = db_path.exists() and db_path.stat().st_size > 0
    if not runs and not (failures and existing):
        return LoadReport()
    working = _building_path(db_path)
    con: duckdb.DuckDBPyConnection | None = None
    published = False  # db_path holds these runs
    report = LoadReport()
    try:
        if existing:
            _copy_warehouse(db_path, working)
        con = connect_writer(working)
        con.execute("BEGIN TRANSACTION")
        ensure_schema(con)
        con.commit()
        tracking = existing and snapshot_for_changes(con)
        problems: list[str] = []
        for run in runs:
            con.execute("BEGIN TRANSACTION")
            before = gates.profile(con, run)
            counts = merge_run(con, run)
            loaded = counts["loaded"]
            found = gates.findings(run, before, gates.profile(con, run), loaded)
            reporter().advance("sources merged", 1, len(runs))
            if found and not accept_shrink:
                con.rollback()
                problems.extend(found)
                report.held.append(_held(run, found))
                continue
            _record_gate(con, run, found, gates.notices(run, loaded))
            con.commit()
            report.changed[run.source] = counts
        if problems and (all_or_nothing or not report.changed and not existing):
            # all or nothing, or a first load with nothing to keep: no warehouse to record the holds in
            raise _gate_refusal(problems)
        con.execute("BEGIN TRANSACTION")
        record_failures(con, [*failures, *report.held])
        if report.changed:
            build_models(con)
            if tracking:
                con.execute(CHANGES_RECORD.read_text(encoding="utf-8"), {"run_id": runs[0].run_id})
            comment_warehouse(con)  # the data dictionary, where analysts query
        con.commit()
        con.execute("CHECKPOINT")  # everything in the one file, so moving it moves everything
        con.close()
        with _signals_deferred():  # the warehouse is swapped in and recorded as such, or neither
            _move_into_place(working, db_path)
            published = True
            if report.changed:
                COMMITTED_RUNS.extend(run.run_id for run in runs if run.source in report.changed)
        _sync_folder(db_path.parent)
    except BaseException as error:
        if con is not None:
            _abandon(con)
        if published:
            raise
        _remove_database(working)
        if isinstance(error, duckdb.Error | OSError) and _disk_full(error):
            raise WarehouseDiskFull(
                f"no space left on the disk of {db_path} while loading ({error}); the warehouse is unchanged"
            ) from error
        raise
    return report


CHANGES_SNAPSHOT = WAREHOUSE_DIR / "changes" / "snapshot.sql"
CHANGES_RECORD = WAREHOUSE_DIR / "changes" / "record.sql"


def snapshot_for_changes(con: duckdb.DuckDBPyConnection) -> bool:
    """Keep what the atlas reports before the merges, for run_changes; False when there is nothing to
    compare with (a warehouse whose models were never built), so the load records no changes."""
    try:
        con.execute(CHANGES_SNAPSHOT.read_text(encoding="utf-8"))
    except duckdb.CatalogException:
        return False
    return True


def _held(run: StagedRun, found: list[str]) -> SourceFailure:
    gate = QualityGateFailed(
        f"the load would make the warehouse worse, so the quality gates held {run.source} back: "
        + "; ".join(found)
    )
    failure = SourceFailure.from_error(
        gate, run_id=run.run_id, source=run.source, mode=run.mode, started_at=run.started_at
    )
    failure.findings = "\n".join(found)
    return failure


def _gate_refusal(problems: list[str]) -> QualityGateFailed:
    return QualityGateFailed(
        "the load would make the warehouse worse, so nothing was loaded:\n  - " + "\n  - ".join(problems)
    )


def record_failures(con: duckdb.DuckDBPyConnection, failures: Sequence[SourceFailure]) -> None:
    """A row per source that did not load: its data stays as its last loaded run left it."""
    for failure in failures:
        con.execute(
            """
            INSERT INTO pipeline_runs BY NAME
            SELECT $run_id AS run_id, $source AS source, $mode AS mode,
                $started_at::TIMESTAMPTZ AS started_at, now() AS finished_at, $status AS status,
                $error AS error, $next_step AS next_step, $retry_later AS retry_later,
                CASE WHEN $status = 'held_by_gate' THEN 'held' END AS quality_gate,
                $findings AS quality_findings
            """,
            {
                "run_id": failure.run_id,
                "source": failure.source,
                "mode": failure.mode,
                "started_at": failure.started_at,
                "status": failure.status,
                "error": failure.error,
                "next_step": failure.next_step,
                "retry_later": failure.retry_later,
                "findings": failure.findings,
            },
        )


def storage_version(db_path: Path) -> int | None:
    """The storage version number in a DuckDB file's header (bytes 12..20), or None if unreadable."""
    with db_path.open("rb") as file:
        header = file.read(20)
    return struct.unpack("<Q", header[12:20])[0] if len(header) == 20 else None


def _copy_warehouse(db_path: Path, working: Path) -> None:
    """The live warehouse copied to `working`, where the load writes.

    A read-only connection is held while copying: it fails (WarehouseBusy) if another process has the
    file open for writing, and keeps one from starting mid-copy; readers do not stand in its way. A file
    in a storage format DuckDB 1.4 cannot read is rewritten into the compatible one instead of copied.
    """
    guard = connect_reader(db_path, require_warehouse=False)
    try:
        if storage_version(db_path) in READABLE_STORAGE_VERSIONS:
            shutil.copyfile(db_path, working)
            wal = db_path.with_name(db_path.name + ".wal")  # left by a writer that died before checkpointing
            if wal.exists():
                shutil.copyfile(wal, working.with_name(working.name + ".wal"))
            return
    finally:
        guard.close()
    converter = duckdb.connect(config={"storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        converter.execute("ATTACH ? AS live (READ_ONLY)", [str(db_path)])
        converter.execute(f"ATTACH ? AS copy (STORAGE_VERSION '{STORAGE_COMPATIBILITY}')", [str(working)])
        converter.execute("COPY FROM DATABASE live TO copy")
        converter.execute("DETACH copy")
    finally:
        converter.close()


COMMITTED_RUNS: list[str] = []
"""Runs this process committed: an interrupted CLI says "unchanged" only when there are none."""


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done; they are delivered right after it."""
    if threading.current_thread() is not threading.main_thread():  # handlers run in main only
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _abandon(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back and close, never masking the error that got us here.

    After a failed COMMIT DuckDB has already ended the transaction, so ROLLBACK itself fails
    ("no transaction is active"); that second error says nothing and would hide the first.
    """
    with contextlib.suppress(duckdb.Error):
        con.rollback()
    with contextlib.suppress(duckdb.Error):
        con.close()


def _disk_full(error: BaseException) -> bool:
    return getattr(error, "errno", None) == errno.ENOSPC or "No space left on device" in str(error)


def _record_gate(
    con: duckdb.DuckDBPyConnection, run: StagedRun, found: list[str], noticed: list[str]
) -> None:
    """Written only by a load that commits: found is empty, or accepted with --accept-shrink."""
    con.execute(
        "UPDATE pipeline_runs SET quality_gate = ?, quality_findings = ? WHERE run_id = ? AND source = ?",
        [
            "accepted" if found else "passed",
            "\n".join(found + noticed) or None,
            run.run_id,
            run.source,
        ],
    )


def _building_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}{BUILDING_SUFFIX}{os.getpid()}")


def _remove_stale_builds(db_path: Path) -> None:
    """Delete what killed first loads left; a build whose process still runs is kept."""
    for path in db_path.parent.glob(f"{db_path.name}{BUILDING_SUFFIX}*"):
        pid = path.name.removeprefix(f"{db_path.name}{BUILDING_SUFFIX}").removesuffix(".wal")
        if pid.isdigit() and not _process_alive(int(pid)):
            path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def _move_into_place(built: Path, db_path: Path) -> None:
    """Give the committed build the warehouse's name in one rename: readers see the old file or the new."""
    if built.with_name(built.name + ".wal").exists():  # CHECKPOINT and close should have emptied it
        raise RuntimeError(f"DuckDB left {built}.wal after a checkpoint; {db_path} was not changed")
    os.replace(built, db_path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable: a power cut right after a first load still finds the file."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_database(db_path: Path) -> None:
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        path.unlink(missing_ok=True)


COUNTRIES_SQL = """
-- Grain: one row per country (key: country_code), from the seed warehouse/seeds/countries.csv, rebuilt on
-- every load.
--
-- Region choices: North America is the US, Canada and their territories (Puerto Rico, US Virgin Islands,
-- Guam, American Samoa, Northern Mariana Islands), Bermuda, Greenland and Saint Pierre and Miquelon:
-- the FDA's and Health Canada's jurisdictions. Latin America includes Mexico, Central America and the
-- Caribbean. Europe includes Russia, Türkiye, and the Caucasus (Armenia, Azerbaijan, Georgia). Middle
-- East & Africa includes Israel, Iran and the Gulf states. Asia-Pacific includes Central and South Asia
-- and Oceania. Registry spellings are mapped by `warehouse/seeds/country_aliases.csv` and pycountry;
-- `scripts/build_country_seed.py` regenerates the seed.
-- Columns:
--   country_code: ISO 3166-1 alpha-2 (all 249) plus `XK` (Kosovo)
--   name: common English name
--   region: `North America`, `Latin America`, `Europe`, `Middle East & Africa`, `Asia-Pacific`
--     (`Antarctica` for AQ)
CREATE OR REPLACE TABLE countries AS
SELECT country_code, name, region FROM read_csv(?, header = true, all_varchar = true)
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for path in sorted((WAREHOUSE_DIR / "ddl").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
    con.execute(COUNTRIES_SQL, [str(SEEDS_DIR / "countries.csv")])
    install_classifier(con)


def merge_run(con: duckdb.DuckDBPyConnection, run: StagedRun) -> dict[str, int]:
    """Replace the records whose content changed (and their child rows); keep the rest as is."""
    staged = Path(run.staged_dir)
    parent, key = run.tables[0], run.entity_key

    def parquet(table: str) -> str:
        return str(staged / table / "*.parquet")

    # incoming: the latest staged copy of each record; changed: those to (re)write. A record
    # reloads when its content changed, or its parser did: the hash mixes in the fingerprint of
    # the parser's SQL, the seeds and the schemas, so a fix there reloads what it fixes.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT {key}, fetch_seq, content_hash "
        f"FROM read_parquet(?) QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY fetch_seq DESC) = 1",
        [parquet(parent)],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE changed AS
        SELECT incoming.{key}, incoming.fetch_seq FROM incoming
        LEFT JOIN {parent} AS current USING ({key})
        WHERE current.content_hash IS DISTINCT FROM incoming.content_hash
        """
    )
    counts = {"changed": con.sql("SELECT count(*) FROM changed").fetchall()[0][0]}
    for table in run.tables:
        con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM changed)")
        # Lineage: the run that wrote each row, and on tables that have the column, the source.
        lineage = "$run_id AS run_id" + (
            ", $source AS source" if "source" in table_columns(con, table) else ""
        )
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (fetch_seq), {lineage} "
            "FROM read_parquet($files) WHERE fetch_seq IN (SELECT fetch_seq FROM changed)",
            {"run_id": run.run_id, "files": parquet(table), "source": run.source}
            if "source" in lineage
            else {"run_id": run.run_id, "files": parquet(table)},
        )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE incoming_quarantine AS SELECT * FROM read_parquet(?);
        """,
        [parquet("quarantine")],
    )
    # A record's quarantine rows are replaced by this run's verdict on it; rows with no entity
    # key (a record without its id) are matched on what they hold, so a rerun adds none twice.
    con.execute(
        f"""
        DELETE FROM quarantine WHERE source = $source AND (
            entity_key IN (SELECT {key} FROM incoming UNION SELECT entity_key FROM incoming_quarantine)
            OR (entity_key IS NULL AND (table_name, check_name, record) IN (
                SELECT (table_name, check_name, record) FROM incoming_quarantine WHERE entity_key IS NULL
            ))
        )
        """,
        {"source": run.source},
    )
    con.execute("INSERT INTO quarantine BY NAME SELECT * FROM incoming_quarantine")
    loaded = con.sql("SELECT count(*) FROM incoming").fetchall()[0][0]
    con.execute(
        f"""
        INSERT INTO pipeline_runs BY NAME
        SELECT $run_id AS run_id, $source AS source, $mode AS mode,
            $started_at::TIMESTAMPTZ AS started_at, now() AS finished_at,
            CASE WHEN $quarantined > 0 THEN 'succeeded_with_quarantine' ELSE 'succeeded' END AS status,
            $pages AS pages, $rows_fetched AS rows_fetched, $loaded AS rows_loaded,
            $changed AS rows_changed, $quarantined AS rows_quarantined,
            $reported_total AS reported_total,
            greatest($watermark, (
                SELECT max(watermark) FILTER (WHERE {USABLE_WATERMARK}) FROM pipeline_runs
                WHERE source = $source
            )) AS watermark,
            $full_refresh AS full_refresh, $raw_path AS raw_path
        """,
        {
            "run_id": run.run_id,
            "source": run.source,
            "mode": run.mode,
            "started_at": run.started_at,
            "quarantined": run.rows_quarantined,
            "pages": run.pages,
            "rows_fetched": run.rows_fetched,
            "loaded": loaded,
            "changed": counts["changed"],
            "reported_total": run.reported_total,
            "watermark": run.watermark,
            "full_refresh": run.full_refresh,
            "raw_path": run.raw_path,
        },
    )
    counts["loaded"] = loaded
    return counts


def model_files() -> list[tuple[str, Path]]:
    """Staging models (views) then marts (tables), each after the models it names."""
    layers = [("VIEW", MODELS_DIR / "staging"), ("TABLE", MODELS_DIR / "marts")]
    ordered: list[tuple[str, Path]] = []
    for kind, folder in layers:
        pending = {p.stem: p for p in sorted(folder.glob("*.sql"))}
        while pending:
            ready = [
                stem
                for stem, path in pending.items()
                if not any(
                    re.search(rf"\b{other}\b", path.read_text(encoding="utf-8"))
                    for other in pending
                    if other != stem
                )
            ]
            if not ready:
                raise RuntimeError(f"models in {folder} refer to each other in a cycle: {sorted(pending)}")
            ordered.extend((kind, pending.pop(stem)) for stem in ready)
    return ordered


# Marts that were retired (CHANGELOG.md): dropped from warehouses built before, so no stale table lingers.
RETIRED_MODELS = ("mart_manufacturing_activity",)


def build_models(con: duckdb.DuckDBPyConnection) -> None:
    for name in RETIRED_MODELS:
        con.execute(f"DROP TABLE IF EXISTS {name}")
    models = model_files()
    for kind, path in models:
        con.execute(f"CREATE OR REPLACE {kind} {path.stem} AS {path.read_text(encoding='utf-8')}")
        reporter().advance("models built", 1, len(models))
