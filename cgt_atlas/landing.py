"""Land raw responses exactly as fetched, and find pages to replay.

Layout: data/raw/<source>/<run_id>/page-0001.json ... plus manifest.jsonl, one line per
response (url, params, status, fetched_at, sha256, bytes). Such a folder can be handed
back to `--replay`, as can a snapshot laid out as DIR/<source>/<pages>.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST = "manifest.jsonl"


def new_run_id() -> str:
    """Sortable, unique enough for one machine: UTC time to the microsecond."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class RawLanding:
    """Writes one run's responses for one source, in fetch order."""

    folder: Path
    pages: int = 0

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if any(self.folder.iterdir()):
            # Pages are numbered from 1: landing over an earlier attempt would mix its pages in.
            raise FileExistsError(f"landing folder {self.folder} is not empty; land each attempt afresh")

    @classmethod
    def fresh(cls, folder: Path) -> RawLanding:
        """A landing in folder, or, when an earlier attempt of the run used it, in folder-attemptN.

        A retried fetch keeps the first attempt's pages as they were (they are a record of what
        was sent) and lands its own beside them; only the last attempt's folder is parsed.
        """
        candidate, attempt = folder, 1
        while candidate.exists() and any(candidate.iterdir()):
            attempt += 1
            candidate = folder.with_name(f"{folder.name}-attempt{attempt}")
        return cls(candidate)

    def write(
        self,
        body: bytes,
        *,
        url: str,
        params: Mapping[str, Any] | None,
        status: int,
        suffix: str = ".json",
    ) -> Path:
        self.pages += 1
        path = self.folder / f"page-{self.pages:04d}{suffix}"
        path.write_bytes(body)
        entry = {
            "file": path.name,
            "url": url,
            "params": dict(params or {}),
            "status": status,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
        }
        with (self.folder / MANIFEST).open("a", encoding="utf-8") as manifest:
            manifest.write(json.dumps(entry) + "\n")
        return path


def replay_folder(replay_dir: Path, source: str) -> Path | None:
    """The folder holding a source's pages: DIR/<source>/, or DIR itself if it is a landed run."""
    nested = replay_dir / source
    if nested.is_dir():
        return nested
    if (replay_dir / MANIFEST).is_file() and replay_dir.parent.name == source:
        return replay_dir
    return None


def page_files(folder: Path, pattern: str) -> list[Path]:
    """Pages in fetch order: lexical order of file names, bookkeeping files excluded."""
    return sorted(p for p in folder.glob(pattern) if p.is_file() and p.name != MANIFEST)
