"""The flow a schedule runs: refresh, tell someone if it was not clean, then export and publish what loaded.

`cgt-atlas serve` serves it, and prefect.yaml deploys it to a work pool; both pass the same parameters.
It takes the same refresh lock as `cgt-atlas refresh`, so a scheduled run and a hand-started one never
load one warehouse together. Its flow run ends Failed (with the summary) when the refresh did not load
every source, so Prefect's own UI and automations see what the exit code says.
"""

from __future__ import annotations

from flows.quiet import quiet_prefect

quiet_prefect()

from pathlib import Path  # noqa: E402

from prefect import flow  # noqa: E402

from cgt_atlas.errors import AtlasError  # noqa: E402
from cgt_atlas.outcome import RefreshOutcome, failed_run_message, notify, notify_outcome  # noqa: E402
from cgt_atlas.refresh_lock import refresh_lock  # noqa: E402
from cgt_atlas.settings import default_db_path  # noqa: E402
from flows.refresh import refresh  # noqa: E402


class RefreshIncomplete(AtlasError):
    """Raised at the end of a scheduled run that did not load every source, after exports and publishing."""

    hint = "cgt-atlas status names each failed source's error and next step."

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def __reduce__(self) -> tuple:
        return type(self), (self.args[0], self.exit_code)


@flow(name="cgt-atlas-scheduled", log_prints=True)
def refresh_and_publish(
    db_path: str | None = None,
    sources: list[str] | None = None,
    replay_dir: str | None = None,
    full: bool = False,
    export_dir: str | None = None,
    export_format: str = "parquet",
    publish_to: str | None = None,
    publish_schema: str = "cgt_atlas",
) -> dict:
    """Refresh the warehouse (db_path, else $CGT_ATLAS_DB or data/cgt_atlas.duckdb) from `sources` (all when
    none), live or from `replay_dir`; then write every mart to `export_dir` and publish them to the
    PostgreSQL URL `publish_to`, when given and when any source loaded."""
    db = Path(db_path) if db_path else default_db_path()
    try:
        with refresh_lock(db):
            result = refresh(sources=sources, replay_dir=replay_dir, full=full, db_path=str(db))
    except Exception as error:
        notify(*failed_run_message(error, "scheduled refresh"))
        raise
    outcome = RefreshOutcome.from_flow(result)
    print(outcome.message())
    warning = notify_outcome(outcome)
    if warning:
        print(warning)
    done: dict[str, object] = {"run_id": outcome.run_id, "exit_code": outcome.exit_code}
    if outcome.changed:
        try:
            done |= _export_and_publish(db, export_dir, export_format, publish_to, publish_schema)
        except Exception as error:
            notify(*failed_run_message(error, "export or publish after the refresh"))
            raise
    if outcome.exit_code:
        raise RefreshIncomplete(outcome.headline(), outcome.exit_code)
    return done


def _export_and_publish(
    db: Path, export_dir: str | None, export_format: str, publish_to: str | None, publish_schema: str
) -> dict[str, object]:
    done: dict[str, object] = {}
    if export_dir:
        from cgt_atlas.publish import export_marts

        manifest = export_marts(db, Path(export_dir), export_format)
        done["exported"] = len(manifest["tables"])  # type: ignore[arg-type]
        print(f"exported {done['exported']} marts to {export_dir}")
    if publish_to:
        from cgt_atlas.postgres import describe_target, publish

        tables = publish(db, publish_to, publish_schema)
        done["published"] = len(tables)
        print(f"published {len(tables)} tables to schema {publish_schema} on {describe_target(publish_to)}")
    return done
