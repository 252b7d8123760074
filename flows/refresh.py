"""Prefect 3 flows: refresh = one ingest subflow per source, then one load of them all.

Tasks pass paths, keys and small dicts of counts, never DataFrames. The load is the only
writer and runs once, after every source has staged, so the warehouse changes in one
transaction or not at all.
"""

from __future__ import annotations

from flows.quiet import quiet_prefect

quiet_prefect()

from pathlib import Path  # noqa: E402

from prefect import flow, task  # noqa: E402

from cgt_atlas import pipeline  # noqa: E402
from cgt_atlas.errors import is_transient  # noqa: E402
from cgt_atlas.landing import new_run_id  # noqa: E402
from cgt_atlas.progress import reporter  # noqa: E402
from cgt_atlas.sources import SOURCES, get_source  # noqa: E402
from warehouse.load import StagedRun, load_runs  # noqa: E402


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
def load_warehouse(db_path: str, runs: list[dict], accept_shrink: bool = False) -> dict:
    return load_runs(Path(db_path), [StagedRun(**run) for run in runs], accept_shrink=accept_shrink)


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
    # The staged Parquet is read once, by the load; it goes when the load ends, or when any step fails.
    with pipeline.staging_area(run_id, names):
        staged = [
            run
            for name in names
            if (run := ingest_source(name, run_id, replay_dir, full, db_path)) is not None
        ]
        changed = load_warehouse(db_path, staged, accept_shrink) if staged else {}
    return {"run_id": run_id, "runs": staged, "changed": changed}
