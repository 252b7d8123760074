"""Benchmark: replay ClinicalTrials.gov pages through parse, validate and load, beside DuckDB's
own read_json as the yardstick. Each measurement runs in a fresh subprocess so peak memory
(ru_maxrss) is its own.

    uv run python bench/run.py                 # x1 (the replay) and x50 (synthetic, made once)
    uv run python bench/run.py --scales 1 10 50
    uv run python bench/run.py --scales        # only the end-to-end refresh and Prefect's start-up

The pipeline path is the one `cgt-atlas refresh --replay` runs, minus Prefect (its imports, its
temporary server's start-up and its per-run bookkeeping cost the same whatever the data size).
"ingest" is parse, validate, stage and merge (commit included); "models" is rebuilding the
staging views and marts, which grows with the models, not only with the data.

The second table is what a user waits for: Prefect's temporary server from start to its first
healthy answer, and `cgt-atlas refresh --replay ../shared/replay` of every source into a new
warehouse, end to end (a fresh process: imports, server, flow, load). --no-refresh skips it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cgt_atlas.settings import shared_dir

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SHARED = shared_dir()

YARDSTICK_SQL = """
CREATE TABLE flat AS
WITH studies AS (
    SELECT unnest(studies) AS s FROM read_json($pages, maximum_object_size = 134217728)
)
SELECT
    s.protocolSection.identificationModule.nctId AS trial_id,
    s.protocolSection.identificationModule.briefTitle AS title,
    s.protocolSection.statusModule.overallStatus AS overall_status,
    s.protocolSection.sponsorCollaboratorsModule.leadSponsor.name AS lead_sponsor,
    unnest(s.protocolSection.contactsLocationsModule.locations, recursive := true)
FROM studies
"""


def measure_pipeline(pages_dir: str, work: str) -> dict:
    os.environ["CGT_ATLAS_DATA"] = work
    import warehouse.load
    from cgt_atlas import pipeline
    from warehouse.load import load_runs

    build_models = warehouse.load.build_models
    model_seconds = 0.0

    def timed_build_models(con) -> None:  # noqa: ANN001
        nonlocal model_seconds
        started = time.perf_counter()
        build_models(con)
        model_seconds = time.perf_counter() - started

    warehouse.load.build_models = timed_build_models

    started = time.perf_counter()
    landed = pipeline.find_replay("ctgov", Path(pages_dir))
    assert landed is not None
    summaries = [
        pipeline.stage_one_chunk("ctgov", "bench", chunk, number)
        for number, chunk in enumerate(pipeline.chunks(landed.pages), start=1)
    ]
    staged_at = time.perf_counter()
    run = pipeline.summarise_run(landed, "bench", pipeline.now_iso(), False, summaries)
    load_runs(Path(work) / "bench.duckdb", [run])
    finished = time.perf_counter()
    return {
        "studies": run.rows_fetched,
        "seconds": finished - started,
        "stage_seconds": staged_at - started,
        "load_seconds": finished - staged_at - model_seconds,
        "model_seconds": model_seconds,
    }


def measure_yardstick(pages_dir: str, work: str) -> dict:
    import duckdb

    pages = sorted(str(p) for p in Path(pages_dir, "ctgov").glob("*.json"))
    started = time.perf_counter()
    con = duckdb.connect(str(Path(work) / "yardstick.duckdb"))
    con.execute(YARDSTICK_SQL, {"pages": pages})
    rows = con.sql("SELECT count(DISTINCT trial_id), count(*) FROM flat").fetchall()[0]
    return {"studies": rows[0], "seconds": time.perf_counter() - started}


def measure_prefect_start(pages_dir: str, work: str) -> dict:
    """Prefect's temporary server, from launch to its first healthy answer, with our defaults."""
    from flows.quiet import quiet_prefect

    quiet_prefect()
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    started = time.perf_counter()
    server.start()
    seconds = time.perf_counter() - started
    server.stop()  # waits for the server, so its peak memory is in RUSAGE_CHILDREN
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def measure_refresh(pages_dir: str, work: str) -> dict:
    """`cgt-atlas refresh --replay` of every source into a new warehouse, as a user runs it."""
    cli = Path(sys.executable).with_name("cgt-atlas")
    env = {**os.environ, "CGT_ATLAS_DATA": work}
    started = time.perf_counter()
    subprocess.run(
        [str(cli), "refresh", "--replay", pages_dir, "--db", str(Path(work) / "refresh.duckdb")],
        check=True,
        capture_output=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


MEASURES = {
    "pipeline": measure_pipeline,
    "yardstick": measure_yardstick,
    "prefect-start": measure_prefect_start,
    "refresh": measure_refresh,
}


def child(kind: str, pages_dir: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        result = MEASURES[kind](pages_dir, work)
    result.setdefault("peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def run_child(kind: str, pages_dir: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(pages_dir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def pages_for(scale: int, cache: Path) -> Path:
    if scale == 1:
        return SHARED / "replay"
    target = cache / f"x{scale}"
    if not (target / "ctgov").is_dir():
        sys.path.insert(0, str(BENCH_DIR))
        from make_scaled import write_pages

        print(f"making x{scale} pages in {target} (once)", file=sys.stderr)
        write_pages(SHARED / "replay" / "ctgov", scale, target / "ctgov")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 50])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    parser.add_argument("--cache", type=Path, default=BENCH_DIR / "out", help="where scaled pages go")
    parser.add_argument(
        "--no-refresh", action="store_true", help="skip the end-to-end refresh and Prefect start-up"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not (SHARED / "replay" / "ctgov").is_dir():
        sys.exit(f"needs {SHARED}/replay/ctgov (set CGT_ATLAS_SHARED)")
    if args.scales:
        print(
            "| scale | studies | ingest s (stage + merge) | models s | studies/s | peak MB "
            "| read_json s | peak MB | ratio ingest | ratio with models |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
    for scale in args.scales:
        pages = pages_for(scale, args.cache)
        pipe = min((run_child("pipeline", pages) for _ in range(args.repeat)), key=lambda r: r["seconds"])
        yard = min((run_child("yardstick", pages) for _ in range(args.repeat)), key=lambda r: r["seconds"])
        ingest = pipe["stage_seconds"] + pipe["load_seconds"]
        print(
            f"| x{scale} | {pipe['studies']:,} | {ingest:.2f} "
            f"({pipe['stage_seconds']:.2f} + {pipe['load_seconds']:.2f}) | {pipe['model_seconds']:.2f} | "
            f"{pipe['studies'] / pipe['seconds']:,.0f} | {pipe['peak_mb']:.0f} | "
            f"{yard['seconds']:.2f} | {yard['peak_mb']:.0f} | {ingest / yard['seconds']:.2f}x | "
            f"{pipe['seconds'] / yard['seconds']:.2f}x |",
            flush=True,
        )
    if not args.no_refresh:
        print_end_to_end(args.repeat)


def print_end_to_end(repeat: int) -> None:
    """Best and worst of `repeat` runs: this shared machine's load moves single runs by seconds."""
    print()
    print("| end to end, x1 replay (all sources) | best s | worst s | peak MB (largest process) |")
    print("|---|---|---|---|")
    for kind, label in (
        ("prefect-start", "Prefect temporary server start-up"),
        ("refresh", "cgt-atlas refresh --replay, new warehouse"),
    ):
        runs = [run_child(kind, SHARED / "replay") for _ in range(repeat)]
        seconds = sorted(run["seconds"] for run in runs)
        peak = max(run["peak_mb"] for run in runs)
        print(f"| {label} | {seconds[0]:.2f} | {seconds[-1]:.2f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
