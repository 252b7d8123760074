"""One refresh per warehouse at a time, decided before Prefect starts.

DuckDB's own lock only bites at the load, after every source has been fetched and staged and
after Prefect's temporary server has started; six refreshes started together all paid that
start-up and timed out on it. flock on <db>.refresh.lock turns the second refresh away at once,
and the kernel releases it when the holder exits, however it exits (kill -9 included).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from cgt_atlas.errors import RefreshRunning


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".refresh.lock")


@contextmanager
def refresh_lock(db_path: Path) -> Iterator[None]:
    """Hold <db>.refresh.lock for the block; raise RefreshRunning, naming the holder, if taken."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise RefreshRunning(f"another refresh is running on {db_path} ({_holder(fd)})") from error
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started at {started}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays, so no one races to re-create it


def _holder(fd: int) -> str:
    """What the holder wrote; it writes just after locking, so wait a moment for it."""
    for _ in range(10):
        text = os.pread(fd, 200, 0).decode(errors="replace").strip()
        if text:
            return text
        time.sleep(0.05)
    return "pid unknown"
