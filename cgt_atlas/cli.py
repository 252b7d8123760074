"""cgt-atlas: map cell and gene therapy development from trial registries into DuckDB.

Heavy imports (Prefect, polars, pandera) happen inside the commands that need them, so
--help, sql and status answer at once.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cgt_atlas.errors import EXIT_FAILED, UNEXPECTED_HINT, AtlasError, ConfigError, Terminated
from cgt_atlas.interrupts import SIGNALS_RECEIVED, interrupted
from cgt_atlas.output import OutputFormat, emit, emit_sections
from cgt_atlas.settings import default_db_path

if TYPE_CHECKING:
    from cgt_atlas.outcome import RefreshOutcome

db_option = click.option(
    "--db",
    "db",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="DuckDB warehouse file. Default: $CGT_ATLAS_DB or data/cgt_atlas.duckdb.",
)
format_option = click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    default="table",
    show_default=True,
    help="Print rows as a table, csv or json.",
)


VERBOSE_KEY = "cgt_atlas.verbose"
"""ctx.meta key: set by the global -v and by refresh's own -v; shows tracebacks."""

SQL_HINT = 'check the query; the tables: cgt-atlas sql "show tables"; every column: docs/data-contract.md.'


def _fail(error: Exception | str, hint: str = "") -> NoReturn:
    """Print error: (and next:) and exit with the error's code (1 unless it says otherwise: 2 usage,
    4 quality gate, 75 retry later); an AtlasError carries its own next: line."""
    click.secho(f"error: {error}", fg="red", err=True)
    if hint:
        click.secho(f"  next: {hint}", err=True)
    sys.exit(error.exit_code if isinstance(error, AtlasError) else EXIT_FAILED)


def _verbose() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context and context.meta.get(VERBOSE_KEY))


def _interrupted(signum: int, command: str | None) -> NoReturn:
    """One line for Ctrl-C or SIGTERM, exit 128 + the signal, as shells expect."""
    how = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
    load = sys.modules.get("warehouse.load")  # imported only if this command loads
    committed = getattr(load, "COMMITTED_RUNS", [])
    if command == "serve":  # its runs load in processes of their own; each commits or not
        state = "no new scheduled run starts"
    elif committed:
        state = f"the warehouse holds run {committed[-1]}, committed before the interrupt"
    else:
        state = "the warehouse is unchanged"
    click.secho(f"error: interrupted ({how}); {state}", fg="red", err=True)
    sys.exit(128 + signum)


def _stdout_closed() -> bool:
    """Whether our own output's reader went away (`cgt-atlas sql ... | head`), not some other pipe."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        # the write end of a pipe whose reader has closed polls as an error
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError):  # stdout closed or not a file (a test's captured output)
        return False


def _reader_gone() -> NoReturn:
    """Stop quietly, as Unix tools do when the command reading their output has what it wanted: exit 141
    (SIGPIPE) with nothing printed, and no second error when Python flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(128 + signal.SIGPIPE)


class AtlasGroup(click.Group):
    """Every failure reaches the user as error: and next:, with no traceback unless -v."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except BaseException as error:
            if interrupted(error):
                # before click turns a KeyboardInterrupt into "Aborted!" and exit 1
                signum = SIGNALS_RECEIVED[0] if SIGNALS_RECEIVED else signal.SIGINT
                _interrupted(signum, ctx.invoked_subcommand)
            if not isinstance(error, Exception):
                raise
            if isinstance(error, BrokenPipeError) and _stdout_closed():
                _reader_gone()
            if _verbose():
                traceback.print_exc()
            if isinstance(error, AtlasError):
                _fail(error)
            _fail(
                f"{type(error).__name__}: {error}",
                "report it, with the traceback above." if _verbose() else UNEXPECTED_HINT,
            )


@click.group(
    cls=AtlasGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks (and, for refresh, Prefect's logs).")
@click.pass_context
def app(ctx: click.Context, verbose: bool) -> None:
    """Map the world's cell and gene therapy (CGT) development and manufacturing.

    \b
    Typical use:
      cgt-atlas refresh                 fetch every source, build the warehouse
      cgt-atlas refresh --replay ../shared/replay
                                        the same offline, from a recorded snapshot
      cgt-atlas status                  what was loaded, when, how fresh it is
      cgt-atlas sql "select * from mart_regional_activity limit 5"
      cgt-atlas report                  one offline HTML report to read or share
      cgt-atlas dashboard               filters, a map, drill-down, on 127.0.0.1

    The warehouse is one DuckDB file (default data/cgt_atlas.duckdb; --db or
    CGT_ATLAS_DB to change it). Every table and column: docs/data-contract.md.
    """
    ctx.meta[VERBOSE_KEY] = verbose


@app.command()
@click.option(
    "--source",
    "-s",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only this source (repeatable). Default: every source (see: cgt-atlas sources).",
)
@click.option(
    "--replay",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="Read recorded pages instead of fetching: DIR/<source>/ (e.g. ../shared/replay) or a "
    "landed run folder data/raw/<source>/<run_id>/. Sources with no folder are skipped, except "
    "curated, organisations and manufacturing_sites, which read their seeds from the project.",
)
@click.option(
    "--samples",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="Also replay the genuine agency files and CTIS records in DIR (../shared/samples: Purple Book, "
    "Health Canada, Swissmedic, FDA establishments and compliance actions) for the sources --replay lacks; "
    "they are linked, not copied, into data/replay-with-samples/.",
)
@click.option("--full", is_flag=True, help="Fetch everything, not only what changed since the last run.")
@click.option(
    "--accept-shrink",
    is_flag=True,
    help="Load even if the quality gates find that a source's tables would shrink by more than 10%, "
    "a child table would empty, a filled column would blank, or most records were quarantined "
    "(use when the source really changed; recorded in pipeline_runs).",
)
@db_option
@click.option("--verbose", "-v", is_flag=True, help="Show Prefect's own logs and tracebacks.")
@click.pass_context
def refresh(
    ctx: click.Context,
    sources: tuple[str, ...],
    replay: Path | None,
    samples: Path | None,
    full: bool,
    accept_shrink: bool,
    db: Path | None,
    verbose: bool,
) -> None:
    """Fetch (or replay) sources, validate them, and update the warehouse.

    Live runs are incremental after the first: only records updated since the last
    watermark are fetched (--full fetches all). Every response is kept as fetched under
    data/raw/<source>/<run_id>/. Rows that fail validation go to the quarantine table
    with the reason. Before it commits, the load must pass quality gates (no table of a
    source shrinking by more than 10%, no filled column blanked, no child table emptied).

    Each source loads on its own: one that fails (a site down, a gate tripped) keeps its last
    good data, is recorded in pipeline_runs with its error and next step, and the others load.
    The new warehouse is swapped in whole; if the run itself fails, it is left exactly as it
    was. Readers (notebooks, sql, the dashboard) never block it. One refresh runs per
    warehouse at a time: a second one on the same --db stops at once. With CGT_ATLAS_NOTIFY
    set to an Apprise URL (json://host/path, slack://..., mailto://...), a run that does not
    exit 0 sends a message naming the failing sources and the next step.

    \b
    Exit codes, for schedulers:
      0   every source loaded
      3   partial: some sources failed, the others loaded
      4   a quality gate held a source back: a person must look
      75  temporary (network, throttling after retries, lock busy): retry later
      2   usage or configuration (a bad option, a --db that is no warehouse)
      1   anything else

    \b
    Examples:
      cgt-atlas refresh
      cgt-atlas refresh --replay ../shared/replay
      cgt-atlas refresh --replay ../shared/replay --samples ../shared/samples
      cgt-atlas refresh --source ctgov --full --db /tmp/atlas.duckdb
    """
    db_path = db or default_db_path()
    verbose = verbose or bool(ctx.meta.get(VERBOSE_KEY))
    ctx.meta[VERBOSE_KEY] = verbose
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    from cgt_atlas.progress_bars import BarReporter
    from cgt_atlas.refresh_lock import refresh_lock
    from cgt_atlas.sources import SOURCES
    from warehouse.load import check_database_file

    unknown = [name for name in sources if name not in SOURCES]
    if unknown:
        _fail(AtlasError(f"unknown source {', '.join(unknown)}; known sources: {', '.join(SOURCES)}"))
    names = list(sources) or list(SOURCES)
    if samples is not None:
        from cgt_atlas.offline import replay_with_samples

        try:
            replay, added = replay_with_samples(samples, replay)
        except AtlasError as error:
            _fail(error)
        taken = ", ".join(added) or "none needed"
        click.echo(f"samples: {taken} from {samples}, linked into {replay}", err=True)
    try:
        check_database_file(db_path)  # a wrong --db fails now, not after every source is fetched
    except AtlasError as error:
        _fail(error)
    from cgt_atlas.outcome import RefreshOutcome, failed_run_message, notify, notify_outcome

    try:
        with refresh_lock(db_path):  # before Prefect starts: a second refresh costs nothing
            where = f" from replay {replay}" if replay else ""
            click.echo(f"refreshing {', '.join(names)}{where} into {db_path}", err=True)
            with BarReporter() as bars:
                try:
                    from flows.quiet import without_heartbeats_on_a_temporary_server
                    from flows.refresh import refresh as refresh_flow

                    with without_heartbeats_on_a_temporary_server():
                        result = refresh_flow(
                            sources=names,
                            replay_dir=str(replay) if replay else None,
                            full=full,
                            db_path=str(db_path),
                            accept_shrink=accept_shrink,
                        )
                finally:
                    bars.stop()
    except Exception as error:  # the run failed as a whole: the warehouse is unchanged; say so to the watcher
        if not interrupted(error):  # a stop asked for is no failure to report
            _warn(notify(*failed_run_message(error)))
        raise
    outcome = RefreshOutcome.from_flow(result)
    _print_outcome(outcome, verbose)
    _warn(notify_outcome(outcome))
    sys.exit(outcome.exit_code)


def _warn(line: str | None) -> None:
    if line:
        click.secho(line, fg="yellow", err=True)


def _print_outcome(outcome: RefreshOutcome, verbose: bool) -> None:
    """Each loaded source's counts; each failed one's error and next step (its traceback with -v)."""
    for run in outcome.runs:
        counts = outcome.changed.get(run["source"])
        if counts is None:
            continue  # held back by a gate: reported with the failures
        pages = f"{run['pages']} page" + ("s" if run["pages"] != 1 else "")
        click.echo(
            f"{run['source']}: {run['rows_fetched']} records in {pages} ({run['mode']}): "
            f"{counts.get('loaded', 0)} valid, {counts.get('changed', 0)} new or changed, "
            f"{run['rows_quarantined']} rows quarantined"
        )
    for failure in outcome.failures:
        if verbose and failure.get("traceback"):
            click.echo(failure["traceback"], err=True)
        how = "held back by a quality gate" if failure["status"] == "held_by_gate" else "failed"
        click.secho(f"{failure['source']}: {how}, its last good data kept", err=True)
        click.secho(f"error: {failure['error']}", fg="red", err=True)
        click.secho(f"  next: {failure['next_step']}", err=True)
    if not outcome.runs and not outcome.failures:
        click.echo("nothing to load: no source had pages; the warehouse is unchanged")
        return
    if any(run["rows_quarantined"] for run in outcome.runs if run["source"] in outcome.changed):
        click.echo('quarantined rows and why: cgt-atlas sql "select * from quarantine"')
    if outcome.failures:
        kept = "the others loaded" if outcome.changed else "nothing new was loaded"
        click.echo(
            f"{outcome.headline()}; the sources that failed keep their last good data, {kept}. "
            f"Exit {outcome.exit_code}: see cgt-atlas refresh --help for what it means."
        )
        return
    click.echo(f'done (run {outcome.run_id}). Next: cgt-atlas status, or cgt-atlas sql "select ..."')


@app.command()
@click.argument("query")
@format_option
@db_option
def sql(query: str, fmt: str, db: Path | None) -> None:
    """Run QUERY on a read-only connection (safe beside dashboards that read too).

    QUERY sees the warehouse and nothing else: statements that write (to the warehouse or to
    files: COPY, EXPORT), read other files (read_csv, read_text, glob, ATTACH), install or load
    extensions, or change settings are refused. Use `cgt-atlas export DIR` or -f csv > FILE to
    write files.

    \b
    Examples:
      cgt-atlas sql "select count(*) from trials"
      cgt-atlas sql "select * from mart_country_activity
                     where start_year = 2024" -f csv > 2024.csv
      cgt-atlas sql "describe trial_sites"
    """
    import duckdb

    from cgt_atlas.errors import QueryRefused
    from warehouse.load import connect_reader, is_refused

    try:
        con = connect_reader(db or default_db_path())
    except AtlasError as error:
        _fail(error)
    try:
        relation = con.sql(query)
        result = None if relation is None else (relation.columns, relation.fetchall())
    except duckdb.Error as error:
        if is_refused(error):
            _fail(QueryRefused(f"cgt-atlas sql only reads the warehouse: {error}"))
        _fail(error, SQL_HINT)
    finally:
        con.close()
    if result is not None:
        emit(*result, OutputFormat(fmt))


@app.command()
@format_option
@db_option
@click.option(
    "--check",
    is_flag=True,
    help="Print nothing but problems; exit 0 when every source's last run loaded (and is recent "
    "enough with --max-age), 1 otherwise. For monitors.",
)
@click.option(
    "--max-age",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="HOURS",
    help="With --check: a source last loaded longer ago than this is a problem too.",
)
def status(fmt: str, db: Path | None, check: bool, max_age: float | None) -> None:
    """The last run of each source, the size of every table, and how fresh the data is.

    A source whose last run failed (or was held back by a quality gate) is marked stale: its
    data is as of its last loaded run, and its error and next step are shown. As a table it
    fits the terminal: times as ages, run ids to the second, and the columns with no room left
    out (named below the table). -f csv and -f json give every column whole (json: one document).

    \b
    Examples:
      cgt-atlas status
      cgt-atlas status -f csv > status.csv
      cgt-atlas status --db /tmp/atlas.duckdb -f json
      cgt-atlas status --check --max-age 30   exit 1 if a source is stale
    """
    from warehouse.status import health_problems, status_tables

    if max_age is not None and not check:
        raise click.UsageError("--max-age goes with --check")
    if check:
        try:
            problems = health_problems(db or default_db_path(), max_age)
        except AtlasError as error:
            _fail(error)
        for problem in problems:
            click.echo(f"stale: {problem}")
        if problems:
            click.echo("  next: cgt-atlas status shows each source's error and next step", err=True)
        sys.exit(EXIT_FAILED if problems else 0)
    try:
        sections = status_tables(db or default_db_path())
    except AtlasError as error:
        _fail(error)
    if OutputFormat(fmt) is OutputFormat.table:
        from cgt_atlas.status_view import print_status

        print_status(sections)
        return
    emit_sections(sections, OutputFormat(fmt))


@app.command()
@click.option(
    "--since",
    default=None,
    metavar="RUN|DATE",
    help="Changes from this run id on, or recorded on or after this date (YYYY-MM-DD). "
    "Default: the newest refresh that changed anything.",
)
@click.option("--digest", is_flag=True, help="Print a Markdown digest to paste, mail or post, not rows.")
@format_option
@db_option
def changes(since: str | None, digest: bool, fmt: str, db: Path | None) -> None:
    """What refreshes changed: new CGT trials, trial status and phase changes, new sites of known
    trials, new CGT approvals, and approvals withdrawn or gone (the run_changes table).

    \b
    Examples:
      cgt-atlas changes
      cgt-atlas changes --since 2026-12-01 -f csv > changes.csv
      cgt-atlas changes --since 20261207T060000Z --digest > digest.md
    """
    from warehouse.run_changes import digest as markdown_digest
    from warehouse.run_changes import read_changes

    try:
        columns, rows = read_changes(db or default_db_path(), since)
    except AtlasError as error:
        _fail(error)
    if digest:
        click.echo(markdown_digest(columns, rows), nl=False)
        return
    if not rows and OutputFormat(fmt) is OutputFormat.table:
        click.echo(
            "no changes recorded (a first refresh is the baseline; later ones record what they change)"
        )
        return
    emit(columns, rows, OutputFormat(fmt))


FIND_TRIAL_HINT = (
    "find the id: cgt-atlas sql \"select trial_id, title from trials where title ilike '%words%'\""
)


@app.command()
@click.argument("trial_id")
@format_option
@db_option
def explain(trial_id: str, fmt: str, db: Path | None) -> None:
    """Why one trial is counted as it is: its record, its modality, cell source and role with the rule and
    the words each fired on, the other registrations of the same trial and what links them, how the marts
    count it, its sponsors' organisations and its manufacturing model.

    \b
    Examples:
      cgt-atlas explain NCT03271632
      cgt-atlas explain ChiCTR2000031868 -f json
      cgt-atlas sql "select trial_id from trials where title ilike '%BCMA%'"
    """
    from warehouse.explain import UnknownTrial, explain_trial

    try:
        sections = explain_trial(db or default_db_path(), trial_id)
    except UnknownTrial as error:
        _fail(
            error,
            "find the id: cgt-atlas sql \"select trial_id, title from trials where title ilike '%words%'\"",
        )
    except AtlasError as error:
        _fail(error)
    emit_sections(sections, OutputFormat(fmt))


@app.command()
def sources() -> None:
    """List the sources refresh knows, with what each fetches.

    \b
    Examples:
      cgt-atlas sources
      cgt-atlas refresh --source ctgov --source ema
    """
    import shutil
    import textwrap

    from cgt_atlas.sources import SOURCES

    width = max(len(name) for name in SOURCES)
    columns = max(shutil.get_terminal_size((100, 24)).columns, width + 30)
    for name, module in SOURCES.items():
        lines = textwrap.wrap(module.DESCRIPTION, columns - width - 2) or [""]
        click.echo(f"{name:{width}}  {lines[0]}")
        for line in lines[1:]:
            click.echo(f"{'':{width}}  {line}")


@app.command()
@click.option("--cron", default="0 6 * * *", show_default=True, help="When to run, as a cron line (UTC).")
@click.option(
    "--source", "-s", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable)."
)
@click.option(
    "--replay",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="Replay recorded pages from DIR instead of fetching (for trying a schedule out).",
)
@click.option(
    "--export-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="After each refresh that loads, write every mart to DIR (as `export` does).",
)
@click.option("--export-format", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@click.option(
    "--publish-to",
    default=None,
    metavar="URL",
    help="After each refresh that loads, publish to this postgresql:// URL (as `publish` does).",
)
@click.option("--publish-schema", default="cgt_atlas", show_default=True, metavar="NAME")
@db_option
def serve(
    cron: str,
    sources: tuple[str, ...],
    replay: Path | None,
    export_dir: Path | None,
    export_format: str,
    publish_to: str | None,
    publish_schema: str,
    db: Path | None,
) -> None:
    """Run the scheduled flow (refresh, notify, then export and publish) until stopped.

    Needs a Prefect server, which keeps the schedule: start one with `prefect server start` and set
    PREFECT_API_URL=http://127.0.0.1:4200/api. Each run takes the refresh lock, so it never loads
    together with a hand-started refresh, and notifies CGT_ATLAS_NOTIFY when it is not clean. For
    a work pool (a worker on this or another machine, Docker or Kubernetes), deploy prefect.yaml
    instead (README: Scheduling). Without Prefect, a cron line calling `cgt-atlas refresh` works too.

    \b
    Examples:
      cgt-atlas serve
      cgt-atlas serve --cron "30 2 * * 1"   every Monday at 02:30 UTC
      cgt-atlas serve --db /srv/atlas.duckdb --export-dir /srv/exports
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")  # each run's summary, in the served process's log
    from cgt_atlas.scheduling import check_prefect_server
    from cgt_atlas.sources import SOURCES

    unknown = [name for name in sources if name not in SOURCES]
    if unknown:
        _fail(ConfigError(f"unknown source {', '.join(unknown)}; known sources: {', '.join(SOURCES)}"))
    try:
        where = check_prefect_server()
    except AtlasError as error:
        _fail(error)
    from flows.scheduled import refresh_and_publish

    parameters = {
        "db_path": str((db or default_db_path()).resolve()),
        "sources": list(sources) or None,
        "replay_dir": str(replay.resolve()) if replay else None,
        "export_dir": str(export_dir.resolve()) if export_dir else None,
        "export_format": export_format,
        "publish_to": publish_to,
        "publish_schema": publish_schema,
    }
    click.echo(f"serving cgt-atlas-scheduled/cgt-atlas-daily on {where} at {cron!r} (UTC); Ctrl-C stops it")
    refresh_and_publish.serve(name="cgt-atlas-daily", cron=cron, parameters=parameters)


@app.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
    help="Parquet (provenance as key-value metadata) or CSV (provenance as '# key: value' lines first).",
)
@db_option
def export(out_dir: Path, fmt: str, db: Path | None) -> None:
    """Write every mart as DIR/<mart>.parquet (or .csv) plus DIR/manifest.json.

    Each file carries where it came from: the last run id, each source's last run and newest
    record, the classifier rules version, the export time and the mart's grain. The manifest
    lists every file with its format, rows and columns. Set SOURCE_DATE_EPOCH to fix the export
    time, and two exports of one warehouse are byte-identical.

    \b
    Examples:
      cgt-atlas export exports/
      duckdb -c "select * from 'exports/mart_regional_activity.parquet'"
      cgt-atlas export exports/ --format csv
      duckdb -c "select * from read_csv('exports/mart_sponsors.csv', comment='#')"
    """
    from cgt_atlas.progress_bars import BarReporter
    from cgt_atlas.publish import export_marts

    with BarReporter() as bars:
        try:
            manifest = export_marts(db or default_db_path(), out_dir, fmt)
        except AtlasError as error:
            bars.stop()
            _fail(error)
    for name, table in manifest["tables"].items():
        click.echo(f"{name:32} {table['rows']:>8} rows -> {out_dir / table['file']}")
    click.echo(f"manifest: {out_dir / 'manifest.json'}")


@app.command()
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("cgt_atlas_report.html"),
    show_default=True,
    help="Where to write the HTML file.",
)
@db_option
def report(out: Path, db: Path | None) -> None:
    """Write one self-contained HTML report (static SVG, works offline): scope and method, a world
    map, trials by region over time, modality mix, sponsors, approvals, regulatory lag, manufacturing.

    \b
    Examples:
      cgt-atlas report
      cgt-atlas report --out /tmp/cgt_report.html --db /tmp/atlas.duckdb
    """
    from cgt_atlas.report import build_report

    try:
        page = build_report(db or default_db_path())
    except AtlasError as error:
        _fail(error)
    out.write_text(page, encoding="utf-8")
    click.echo(f"report: {out} ({len(page) // 1024} KB)")


@app.command()
@click.option(
    "--port", default=8050, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything beyond 127.0.0.1 lets anyone who reaches the port read the data.",
)
@db_option
def dashboard(port: int, host: str, db: Path | None) -> None:
    """Start the interactive dashboard on a read-only connection (works offline): filters, a world map of
    CGT trials (click a country for its trials, linked to their registry pages), approvals and regulatory
    lag, manufacturing. Open http://127.0.0.1:PORT/?country=DE to start on a country. Ctrl-C stops it.

    \b
    Examples:
      cgt-atlas dashboard
      cgt-atlas dashboard --port 8060 --db /tmp/atlas.duckdb
    """
    from cgt_atlas.dashboard.app import run
    from cgt_atlas.listening import exposure_warning

    warning = exposure_warning(host, port)
    if warning:
        click.echo(warning, err=True)
    try:
        run(
            db or default_db_path(),
            host,
            port,
            on_ready=lambda: click.echo(f"dashboard: http://{host}:{port}/ (Ctrl-C to stop)"),
        )
    except AtlasError as error:
        _fail(error)


@app.command()
@click.option(
    "--to",
    "url",
    required=True,
    metavar="URL",
    help="The server: postgresql://user@host:port/dbname (password in ~/.pgpass or PGPASSWORD).",
)
@click.option("--schema", default="cgt_atlas", show_default=True, help="The schema BI tools read.")
@db_option
def publish(url: str, schema: str, db: Path | None) -> None:
    """Copy every mart and the dimension tables they need into a PostgreSQL schema, atomically.

    The copy loads a new schema and swaps it for the live one in the same transaction: readers
    see the previous data until it commits, and a failure leaves the live schema as it was.
    Provenance (run id, rules version, source freshness): tables _cgt_atlas_publish and
    _cgt_atlas_sources in the schema. Details: docs/data-contract.md.

    \b
    Examples:
      cgt-atlas publish --to postgresql://atlas@db.example.org:5432/analytics
      PGPASSWORD=... cgt-atlas publish --to postgresql://atlas@localhost/bi \\
          --schema cgt_atlas_test
    """
    import time

    from cgt_atlas.postgres import describe_target
    from cgt_atlas.postgres import publish as publish_to

    started = time.monotonic()
    try:
        tables = publish_to(
            db or default_db_path(),
            url,
            schema,
            on_table=lambda name, rows: click.echo(f"{name:32} {rows:>8} rows", err=True),
        )
    except AtlasError as error:
        _fail(error)
    click.echo(
        f"published {len(tables)} tables to schema {schema} on {describe_target(url)} "
        f"in {time.monotonic() - started:.1f} s"
    )


@app.command()
@db_option
@click.option(
    "--ema-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder with EMA's medicines report (*.xlsx). Default: ../shared/samples/ema.",
)
def evaluate(db: Path | None, ema_dir: Path | None) -> None:
    """Print the modality classifier's precision and recall per class (docs/classifier.md).

    Uses the hand-labelled set, EMA's advanced-therapy flag over its whole report, the genuine
    ClinicalTrials.gov samples (mostly not CGT, hand-labelled), the classic CSV download of MSC
    trials (hand-labelled, tune and holdout halves), and, when the warehouse exists,
    the replay's CAR-T set, EUCTR ATIMP flags and its hand-labelled EU and ICTRP records.
    Samples are read from ../shared (or $CGT_ATLAS_SHARED); parts without them are skipped.

    \b
    Examples:
      cgt-atlas evaluate
      cgt-atlas evaluate --db /tmp/atlas.duckdb --ema-dir ../shared/samples/ema
    """
    from warehouse.evaluation import DEFAULT_EMA_REPORT_DIR
    from warehouse.evaluation import report as evaluation_report

    db_path = db or default_db_path()
    click.echo(evaluation_report(db_path if db_path.exists() else None, ema_dir or DEFAULT_EMA_REPORT_DIR))


@app.group()
def docs() -> None:
    """Documents generated from the code (so they cannot drift from it).

    \b
    Examples:
      cgt-atlas docs data-contract           rewrite docs/data-contract.md
      cgt-atlas docs data-contract --check   exit 1 if the file is out of date
    """


@docs.command("data-contract")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if the committed file is out of date.")
def data_contract(check: bool) -> None:
    """Write docs/data-contract.md: every table, view and column of the warehouse.

    Column names and types come from a warehouse built empty in memory; meanings from the
    pandera models (schemas/*.py) and the header comments of the SQL that makes each table
    (warehouse/ddl, warehouse/models); the narrative from docs/templates/data-contract.md.
    A column with no meaning, or a meaning for a column that no longer exists, is an error.

    \b
    Examples:
      cgt-atlas docs data-contract
      cgt-atlas docs data-contract --check
    """
    from warehouse.dictionary import COMMAND, OUTPUT, generate

    try:
        text = generate()
    except ValueError as error:
        _fail(error, "document each name listed where it is defined (warehouse/dictionary.py says where).")
    current = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
    if check:
        if not current:
            _fail(f"{OUTPUT} is out of date with the models and schemas", f"run: {COMMAND}")
        click.echo(f"{OUTPUT} is up to date")
        return
    if not current:
        OUTPUT.write_text(text, encoding="utf-8")
    click.echo(f"{'wrote' if not current else 'unchanged:'} {OUTPUT}")


def _on_signal(signum: int, frame: FrameType | None) -> NoReturn:
    """SIGTERM (and Ctrl-C) unwind as an exception, so every finally and atexit hook runs.

    Python's default for SIGTERM ends the process at once, and the temporary Prefect server
    it started (stopped only by an atexit hook) lived on. A second signal gets the default
    back and ends the process without clean-up.
    """
    SIGNALS_RECEIVED.append(signum)
    signal.signal(signum, signal.SIG_DFL)
    raise Terminated(signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _on_signal)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with it ignored
        signal.signal(signal.SIGINT, _on_signal)
    try:
        app()
    finally:
        # The command is over; a signal now would only interrupt atexit's clean-up (Prefect's
        # server stop) with a traceback.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
