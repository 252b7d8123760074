"""Prefect 3 flows: refresh = one ingest subflow per source, then one load of them all.

Tasks pass paths, keys and small dicts of counts, never DataFrames. A source that fails to fetch or
parse fails alone: it is recorded with its error and keeps its last good data, and the others still
load. The load is the only writer and runs once, after every source has staged; it swaps the new
warehouse in whole, or leaves the old one exactly as it was.
"""

from __future__ import annotations

from flows.quiet import quiet_prefect

quiet_prefect()

import traceback  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

from prefect import flow, task  # noqa: E402

from cgt_atlas import pipeline  # noqa: E402
from cgt_atlas.errors import is_transient  # noqa: E402
from cgt_atlas.interrupts import interrupted  # noqa: E402
from cgt_atlas.landing import new_run_id  # noqa: E402
from cgt_atlas.progress import reporter  # noqa: E402
from cgt_atlas.sources import SOURCES, get_source  # noqa: E402
from warehouse.load import SourceFailure, StagedRun, load_sources  # noqa: E402


def _transient(task, task_run, state) -> bool:  # noqa: ANN001 - Prefect's retry hook signature
    """Retry a fetch only on trouble that mends (busy server, broken body); a 404 fails at once."""
    try:
        state.result()
    except Exception as error:
        return is_transient(error)
    return False


@task(retries=2, retry_delay_seconds=30, retry_condition_fn=_transient, cache_policy=None)
def fetch_source(source_name: str, run_id: str, full: bool, db_path: str) -> dict:
    return pipeline.land_live(source_name, run_id, full=full, db_path=Path(db_path)).to_dict()


@task(cache_policy=None)
def stage_chunk(source_name: str, run_id: str, pages: list[str], chunk_no: int) -> dict:
    return pipeline.stage_one_chunk(source_name, run_id, pages, chunk_no)


@task(cache_policy=None)
def load_warehouse(db_path: str, runs: list[dict], failures: list[dict], accept_shrink: bool = False) -> dict:
    report = load_sources(
        Path(db_path),
        [StagedRun(**run) for run in runs],
        failures=[SourceFailure(**failure) for failure in failures],
        accept_shrink=accept_shrink,
    )
    return {"changed": report.changed, "held": [asdict(failure) for failure in report.held]}


@flow(name="ingest-source", log_prints=False)
def ingest_source(
    source_name: str, run_id: str, replay_dir: str | None, full: bool, db_path: str
) -> dict | None:
    """Land (fetch, or find the replay pages), then parse and validate chunk by chunk."""
    started_at = pipeline.now_iso()
    if replay_dir:
        landed = pipeline.find_replay(source_name, Path(replay_dir))
        if landed is None:
            reporter().note(f"{source_name}: skipped, {replay_dir} has no {source_name}/ folder")
            return None
        landed_dict = landed.to_dict()
    else:
        landed_dict = fetch_source(source_name, run_id, full, db_path)
    landed = pipeline.LandedPages(**landed_dict)
    if not landed.pages:  # a live source with nothing to land (ictrp with an empty inbox)
        reporter().note(f"{source_name}: skipped, nothing was landed")
        return None
    summaries = [
        stage_chunk(source_name, run_id, pages, chunk_no)
        for chunk_no, pages in enumerate(pipeline.chunks(landed.pages), start=1)
    ]
    staged = pipeline.summarise_run(landed, run_id, started_at, full, summaries)
    return staged.__dict__


@flow(name="cgt-atlas-refresh", log_prints=False)
def refresh(
    sources: list[str] | None = None,
    replay_dir: str | None = None,
    full: bool = False,
    db_path: str = "data/cgt_atlas.duckdb",
    run_id: str | None = None,
    accept_shrink: bool = False,
) -> dict:
    """Refresh the warehouse from every source named (all when none), live or from a replay."""
    names = sources or list(SOURCES)
    for name in names:
        get_source(name)  # unknown names fail before any work
    run_id = run_id or new_run_id()
    staged: list[dict] = []
    failures: list[dict] = []
    # The staged Parquet is read once, by the load; it goes when the load ends, or when any step fails.
    with pipeline.staging_area(run_id, names):
        for name in names:
            started_at = pipeline.now_iso()
            try:
                run = ingest_source(name, run_id, replay_dir, full, db_path)
            except Exception as error:  # this source fails alone; Ctrl-C and SIGTERM still stop the run
                if interrupted(error):  # a signal, reported mid-query as an ordinary error
                    raise
                failure = SourceFailure.from_error(
                    error,
                    run_id=run_id,
                    source=name,
                    mode="replay" if replay_dir else "live",
                    started_at=started_at,
                )
                failures.append(asdict(failure) | {"traceback": format_exception(error)})
                reporter().note(f"{name}: failed: {failure.error}")
                continue
            if run is not None:
                staged.append(run)
        recorded = [{k: v for k, v in failure.items() if k != "traceback"} for failure in failures]
        loaded = load_warehouse(db_path, staged, recorded, accept_shrink)
    return {
        "run_id": run_id,
        "runs": staged,
        "changed": loaded["changed"],
        "failures": failures + loaded["held"],
    }


def format_exception(error: BaseException) -> str:
    """The traceback, kept for `refresh -v` (the run goes on to the next source)."""
    return "".join(traceback.format_exception(error))
