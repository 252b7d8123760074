"""What a staged run is, as the flow hands it to the loader: shared by the loader and its gates."""

from __future__ import annotations

from dataclasses import dataclass


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
