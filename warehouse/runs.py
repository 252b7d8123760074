"""What a staged run is, as the flow hands it to the loader, and where the last run left off
(the watermark): shared by the pipeline, the loader and its gates without reaching into the loader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cgt_atlas.errors import EXIT_GATE, EXIT_TEMPFAIL, describe
from warehouse.connect import _has_table, connect_reader


@dataclass
class StagedRun:
    """One source's staged run, as the flow hands it to the loader (paths and counts only)."""

    run_id: str
    source: str
    mode: str
    tables: list[str]
    entity_key: str
    staged_dir: str
    started_at: str
    pages: int
    rows_fetched: int
    rows_quarantined: int
    reported_total: int | None
    watermark: str | None
    full_refresh: bool
    raw_path: str


@dataclass
class SourceFailure:
    """A source that did not load in a run, and why: recorded in pipeline_runs beside the runs that did.

    `retry_later` says the cause mends by itself (network, throttling, a busy server): a scheduler retries;
    otherwise a person must look (a quality gate, a changed format).
    """

    run_id: str
    source: str
    mode: str
    started_at: str
    status: str
    """`failed`, or `held_by_gate` when the quality gates kept its data out."""
    error: str
    next_step: str
    retry_later: bool
    findings: str | None = None

    @classmethod
    def from_error(
        cls, error: BaseException, *, run_id: str, source: str, mode: str, started_at: str
    ) -> SourceFailure:
        """The failure an exception describes: an AtlasError's own message and next step, else its type."""
        message, hint, code = describe(error)
        return cls(
            run_id=run_id,
            source=source,
            mode=mode,
            started_at=started_at,
            status="held_by_gate" if code == EXIT_GATE else "failed",
            error=" ".join(message.split()),
            next_step=hint,
            retry_later=code == EXIT_TEMPFAIL,
        )


SUCCEEDED = "status LIKE 'succeeded%'"
"""A pipeline_runs row of a run that loaded (`succeeded`, `succeeded_with_quarantine`)."""

USABLE_WATERMARK = "try_cast(watermark AS DATE) <= current_date + 1"
"""A stored watermark that is no date, or lies in the future, would make every incremental run
ask for nothing: such a value (left by a release before dates were validated) is passed over."""


def latest_watermark(db_path: Path, source: str) -> str | None:
    """The watermark of the source's last successful run, or None before the first one."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    con = connect_reader(db_path, require_warehouse=False)
    try:
        if not _has_table(con, "pipeline_runs"):
            return None
        return con.execute(
            f"SELECT max(watermark) FILTER (WHERE {USABLE_WATERMARK}) FROM pipeline_runs WHERE source = ?",
            [source],
        ).fetchall()[0][0]
    finally:
        con.close()
