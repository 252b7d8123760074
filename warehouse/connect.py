"""Opening the warehouse: the one writer, and sealed readers that see the warehouse and nothing else.

A file that cannot be opened is named for what it is (busy, not a database, empty), never guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from cgt_atlas.errors import (
    AtlasError,
    NotAWarehouse,
    WarehouseBusy,
    WarehouseEmpty,
    WarehouseMissing,
    WarehouseUnopenable,
)

WRITER_MEMORY_LIMIT = "512MB"
"""DuckDB spills to disk beyond this, so the load's memory does not grow with the registry."""

DUCKDB_MAGIC = b"DUCK"
DUCKDB_MAGIC_END = 12
"""Every DuckDB database file has b"DUCK" at bytes 8 to 12 (after the header's checksum)."""


STORAGE_COMPATIBILITY = "v1.4.0"
"""The storage format the writer keeps the warehouse in: DuckDB 1.4 and later (R, DBeaver, older notebooks,
the 1.5 CLI) open it. DuckDB 2.0's default format is readable by 2.0 only."""


def connect_writer(db_path: Path) -> duckdb.DuckDBPyConnection:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return _connect(
        db_path,
        "for writing",
        config={"memory_limit": WRITER_MEMORY_LIMIT, "storage_compatibility_version": STORAGE_COMPATIBILITY},
    )


READER_CONFIG: dict[str, str | bool] = {
    # No COPY TO, EXPORT DATABASE, ATTACH, file readers (read_text, read_csv, glob, ...), Python
    # replacement scans or INSTALL: a reader sees the warehouse it opened and nothing else.
    "enable_external_access": False,
    # No extension fetched or loaded behind a query's back (httpfs for an https:// path, ...).
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_persistent_secrets": False,
    # Last: the query cannot SET any of the above back (nor any other setting).
    "lock_configuration": True,
}
"""DuckDB settings of every reader. The file given to connect() still opens: the access check
applies to what queries reach, not to the database the connection was made for."""


def connect_reader(db_path: Path, require_warehouse: bool = True) -> duckdb.DuckDBPyConnection:
    """Read-only and sealed: many readers may query while no refresh writes, and a query typed by
    a user (cgt-atlas sql) can read the warehouse's tables but no other file, write no file,
    and fetch nothing.

    A DuckDB file without pipeline_runs (which every load writes in the same transaction as the
    rest) was never loaded: say so, rather than let a query fail on a missing table.
    """
    if not db_path.exists():
        raise WarehouseMissing(f"no warehouse at {db_path}")
    con = _connect(db_path, "to read", read_only=True, config=dict(READER_CONFIG))
    if require_warehouse and not _has_table(con, "pipeline_runs"):
        con.close()
        raise WarehouseEmpty(f"{db_path} holds no warehouse tables (an interrupted first refresh?)")
    return con


def _connect(db_path: Path, purpose: str, **options: Any) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db_path), **options)
    except duckdb.Error as error:
        raise open_error(db_path, purpose, error) from error


def open_error(db_path: Path, purpose: str, error: duckdb.Error) -> AtlasError:
    """Name what DuckDB's IO Error means: only a lock conflict is another process at work."""
    message = str(error)
    if "Could not set lock" in message or "Conflicting lock" in message:
        return WarehouseBusy(f"cannot open {db_path} {purpose}: {message}")
    if "not a valid DuckDB database" in message:
        if db_path.is_file() and db_path.stat().st_size == 0:
            return WarehouseEmpty(f"{db_path} is empty (0 bytes): an interrupted first refresh?")
        return NotAWarehouse(f"{db_path} is not a DuckDB database (DuckDB: {message})")
    return WarehouseUnopenable(f"cannot open {db_path} {purpose}: {message}")


def check_database_file(db_path: Path) -> None:
    """Refuse a file that is plainly no DuckDB database before a refresh does any work.

    Reads the header only, so it neither takes nor waits for DuckDB's lock. An empty file passes:
    a first load replaces it.
    """
    try:
        with db_path.open("rb") as file:
            header = file.read(DUCKDB_MAGIC_END)
    except FileNotFoundError:
        return
    except IsADirectoryError as error:
        raise WarehouseUnopenable(f"{db_path} is a folder, not a DuckDB file") from error
    if header and header[DUCKDB_MAGIC_END - len(DUCKDB_MAGIC) :] != DUCKDB_MAGIC:
        raise NotAWarehouse(f"{db_path} is not a DuckDB database (its header lacks DuckDB's magic bytes)")


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The column names a table has (empty when it does not exist), for schemas that grew over releases."""
    query = "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
    return {name for (name,) in con.execute(query, [table]).fetchall()}


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    query = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return bool(con.execute(query, [table]).fetchall()[0][0])


def is_refused(error: duckdb.Error) -> bool:
    """True when DuckDB refused a statement because the reader is sealed (not a query mistake)."""
    if isinstance(error, duckdb.PermissionException):
        return True
    message = str(error)
    return any(
        sign in message
        for sign in (
            "read-only mode",
            "configuration has been locked",
            "disabled through configuration",
            "but it exists in the",  # a function of an extension the reader may not load
        )
    )
