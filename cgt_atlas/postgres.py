"""Publishing the marts to a PostgreSQL schema, for BI tools (Superset, Metabase, Tableau) on a shared server.

Everything happens in one PostgreSQL transaction: a new schema `<live>_new_<id>` is created and
filled by COPY, then the live schema is renamed away, the new one takes the live name, and the
old one is dropped. Readers see the previous data until the commit and the new data after it;
a failure anywhere (even a killed process: the server rolls back an open transaction when its
connection drops) leaves the live schema as it was and no other schema behind.

Only a schema cgt-atlas made itself (it holds the `_cgt_atlas_publish` marker table, and nothing the
marker does not list) is ever replaced: any other existing schema, `public` included, is refused
before anything changes, so a publish can never drop someone else's data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from cgt_atlas.errors import EXIT_TEMPFAIL, EXIT_USAGE, AtlasError, ConfigError
from cgt_atlas.landing import new_run_id
from cgt_atlas.publish import _arrow_reader, freshness, mart_names, provenance
from warehouse.load import connect_reader

DEFAULT_SCHEMA = "cgt_atlas"
DIMENSIONS = ("countries", "products", "organisations")
"""Published beside the marts because marts carry their keys: country_code (and hq_country_code),
product_id and organisation_id. The trial-level marts (mart_trials, mart_trial_sites) are published as marts;
the registry tables stay in the warehouse."""
PROVENANCE_TABLE = "_cgt_atlas_publish"
SOURCES_TABLE = "_cgt_atlas_sources"
SOURCE_COLUMNS = (
    ("source", "text"),
    ("run_id", "text"),
    ("mode", "text"),
    ("finished_at", "timestamptz"),
    ("rows_loaded", "bigint"),
    ("watermark", "text"),
    ("stale", "boolean"),
    ("last_attempt_at", "timestamptz"),
    ("last_error", "text"),
)
"""`_cgt_atlas_sources`: each source's last successful run (publish.freshness), and whether it is stale."""
SWAP_LOCK_TIMEOUT = "30s"
"""How long the swap waits for readers' locks on the old tables before giving up (and rolling
back): a BI query running for minutes must not leave every later reader queued behind us."""
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
"""Lower-case, unquoted-friendly, short enough that `<name>_new_<id>` fits PostgreSQL's 63 bytes."""

SCALAR_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20)",
    "HUGEINT": "numeric(39)",
    "UHUGEINT": "numeric(39)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "BLOB": "bytea",
}
"""DuckDB type -> PostgreSQL type. Unsigned and 128-bit integers go to numeric so no value overflows."""


class PublishTargetInvalid(AtlasError):
    hint = "give a URL like postgresql://user@host:5432/dbname (password in ~/.pgpass or PGPASSWORD)."
    exit_code = EXIT_USAGE


class PublishTargetUnreachable(AtlasError):
    hint = (
        "check that the server is running and reachable (host, port, firewall) and that the user, "
        "password and database are right; nothing was changed on the server."
    )
    exit_code = EXIT_TEMPFAIL


class PublishTargetRefused(PublishTargetUnreachable):
    """The server answered and said no (no such role or database, a wrong password): it will say so again."""

    exit_code = EXIT_USAGE


REFUSED_LOGIN = re.compile(
    r"does not exist|authentication failed|password|no pg_hba\.conf entry|permission denied"
)


class PublishBusy(AtlasError):
    hint = "another publish to this schema is running: wait for it to finish, then run again."
    exit_code = EXIT_TEMPFAIL


class PublishRefused(AtlasError):
    """The target schema exists and is not (only) ours: replacing it would drop someone else's objects."""

    hint = (
        "publish into a schema of cgt-atlas's own: leave out --schema (it uses cgt_atlas) or name a new "
        "one; nothing was changed on the server."
    )
    exit_code = EXIT_USAGE


class PublishFailed(AtlasError):
    hint = (
        "the live schema on the server is unchanged (everything was rolled back); "
        "fix the cause above and run again."
    )


def pg_type(duck_type: str) -> tuple[str, str]:
    """(PostgreSQL type, how to select the column in DuckDB) for one DuckDB column type.

    Lists of scalars become PostgreSQL arrays (text[], bigint[], ...): `'x' = ANY(col)` works in
    every BI tool's SQL. Structs, maps, unions and nested lists become jsonb (DuckDB renders the
    JSON). Decimals keep their precision. Anything else travels as text.
    """
    if duck_type in SCALAR_TYPES:
        return SCALAR_TYPES[duck_type], "{}"
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "numeric"), "{}"
    if duck_type.endswith("[]") and duck_type[:-2] in SCALAR_TYPES and duck_type[:-2] != "BLOB":
        return SCALAR_TYPES[duck_type[:-2]] + "[]", "{}"
    if duck_type.startswith(("STRUCT", "MAP", "UNION")) or duck_type.endswith("[]"):
        return "jsonb", "CAST(to_json({}) AS VARCHAR)"
    return "text", "CAST({} AS VARCHAR)"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[tuple[str, str]], str]:
    """The table's columns as (name, PostgreSQL type) and the DuckDB query that reads them for COPY.

    PostgreSQL text cannot hold a NUL character: it is dropped from strings (registries never
    mean one) rather than failing the whole publish on one record.
    """
    columns, selects = [], []
    for name, duck_type, *_ in con.sql(f"DESCRIBE {_quoted(table)}").fetchall():
        target, expression = pg_type(duck_type)
        column = expression.format(_quoted(name))
        if target in ("text", "jsonb"):
            column = f"replace({column}, chr(0), '')"
        columns.append((name, target))
        selects.append(f"{column} AS {_quoted(name)}")
    return columns, f"SELECT {', '.join(selects)} FROM {_quoted(table)}"


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> Iterator[tuple]:
    """Rows streamed in Arrow batches: memory holds one batch, however large the table."""
    with _arrow_reader(con.sql(query)) as reader:
        for batch in reader:
            yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


def _carry_comments(
    duck: duckdb.DuckDBPyConnection, pg: psycopg.Connection, table: str, target: sql.Identifier
) -> None:
    """The data dictionary travels with the data: the grain and column meanings each load writes into the
    warehouse as comments become PostgreSQL comments, which BI tools show beside tables and fields. Sent
    as one batch: one round trip per table, not per column."""
    statements = [
        sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(comment))
        for (comment,) in duck.execute(
            "SELECT comment FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' "
            "AND nullif(comment, '') IS NOT NULL",
            [table],
        ).fetchall()
    ]
    statements += [
        sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(target, sql.Identifier(column), sql.Literal(comment))
        for column, comment in duck.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main' "
            "AND nullif(comment, '') IS NOT NULL",
            [table],
        ).fetchall()
    ]
    if statements:
        pg.execute(sql.SQL("; ").join(statements))


def copy_table(duck: duckdb.DuckDBPyConnection, pg: psycopg.Connection, table: str, schema: str) -> int:
    """Create schema.table on the server and COPY the DuckDB table's rows into it; returns the rows."""
    columns, query = _select(duck, table)
    target = sql.Identifier(schema, table)
    pg.execute(
        sql.SQL("CREATE TABLE {} ({})").format(
            target,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind in columns
            ),
        )
    )
    _carry_comments(duck, pg, table, target)
    rows = 0
    with pg.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(target)) as copy:
        for row in _rows(duck, query):
            copy.write_row(row)
            rows += 1
    return rows


def describe_target(url: str) -> str:
    """user@host:port/db without the password, for messages."""
    parts = conninfo_to_dict(url)
    where = f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
    return f"{parts['user']}@{where}" if parts.get("user") else where


def connect_target(url: str) -> psycopg.Connection:
    """Open the server named by url, naming a bad URL or a refused connection for what it is."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise PublishTargetInvalid(f"--to must be a postgresql:// URL, not {url.split('://')[0]!r}")
    try:
        where = describe_target(url)
        port = str(conninfo_to_dict(url).get("port") or "5432")
    except psycopg.ProgrammingError as error:
        raise PublishTargetInvalid(f"cannot read the URL given to --to: {error}") from error
    if not all(part.isdigit() for part in port.split(",")):
        raise PublishTargetInvalid(f"cannot use the URL given to --to: the port {port!r} is not a number")
    try:
        return psycopg.connect(url, connect_timeout=10, application_name="cgt-atlas publish")
    except psycopg.ProgrammingError as error:
        raise PublishTargetInvalid(f"cannot use the URL given to --to: {error}") from error
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())
        refused = PublishTargetRefused if REFUSED_LOGIN.search(reason) else PublishTargetUnreachable
        raise refused(f"cannot connect to PostgreSQL at {where}: {reason}") from error


def _provenance(
    duck: duckdb.DuckDBPyConnection, publish_id: str, tables: dict[str, int]
) -> dict[str, object]:
    """The publish's row: the same provenance the exports carry (run id, rules version, each
    source's last run), as columns for BI tools and whole as jsonb."""
    published_at = datetime.now(UTC)
    carried = provenance(duck, published_at)
    return {
        "published_at": published_at,
        "publish_id": publish_id,
        "warehouse_run_id": carried["run_id"] or None,
        "classifier_rules_version": carried["classifier_rules_version"] or None,
        "provenance": json.dumps(carried),
        "tables": json.dumps(tables),
    }


def _write_provenance(
    pg: psycopg.Connection, schema: str, row: dict[str, object], sources: list[dict]
) -> None:
    pg.execute(
        sql.SQL(
            "CREATE TABLE {} (published_at timestamptz, publish_id text, warehouse_run_id text, "
            "classifier_rules_version text, provenance jsonb, tables jsonb)"
        ).format(sql.Identifier(schema, PROVENANCE_TABLE))
    )
    pg.execute(
        sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s)").format(
            sql.Identifier(schema, PROVENANCE_TABLE)
        ),
        list(row.values()),
    )
    pg.execute(
        sql.SQL("CREATE TABLE {} ({})").format(
            sql.Identifier(schema, SOURCES_TABLE),
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind in SOURCE_COLUMNS
            ),
        )
    )
    with pg.cursor() as cursor:
        cursor.executemany(
            sql.SQL("INSERT INTO {} VALUES ({})").format(
                sql.Identifier(schema, SOURCES_TABLE),
                sql.SQL(", ").join(sql.Placeholder() * len(SOURCE_COLUMNS)),
            ),
            [tuple(source[name] for name, _kind in SOURCE_COLUMNS) for source in sources],
        )


def publish(
    db_path: Path,
    url: str,
    schema: str = DEFAULT_SCHEMA,
    on_table: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every mart and DIMENSIONS into `schema` on the server, swapped in atomically.

    Returns the rows copied per table; on_table hears of each table as it is done (progress).
    """
    if not SCHEMA_NAME.fullmatch(schema):
        raise ConfigError(
            f"--schema {schema!r}: use 1 to 40 lower-case letters, digits or _, not starting with a digit"
        )
    duck = connect_reader(db_path)  # a missing or empty warehouse fails before the server is touched
    try:
        names = mart_names(duck) + [name for name in DIMENSIONS if _has_table(duck, name)]
        sources = freshness(duck)
        publish_id = new_run_id().lower()
        staging = f"{schema}_new_{publish_id}"
        old = f"{schema}_old_{publish_id}"
        with connect_target(url) as pg:
            try:
                locked = pg.execute(
                    "SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"cgt-atlas publish {schema}"]
                )
                if not locked.fetchone()[0]:  # type: ignore[index]
                    raise PublishBusy(f"another cgt-atlas publish to schema {schema} holds its lock")
                ours = check_owned_schema(pg, schema)
                pg.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(staging)))
                tables = {}
                for name in names:
                    tables[name] = copy_table(duck, pg, name, staging)
                    if on_table:
                        on_table(name, tables[name])
                _write_provenance(pg, staging, _provenance(duck, publish_id, tables), sources)
                _swap(pg, schema, staging, old, ours)
            except AtlasError:
                raise
            except psycopg.Error as error:
                detail = error.diag.message_detail or ""
                reason = " ".join(f"{error} {detail}".split())
                raise PublishFailed(f"publishing to schema {schema} failed: {reason}") from error
    finally:
        duck.close()
    return tables


GRANTABLE = frozenset(
    {"USAGE", "CREATE", "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
)

SCHEMA_GRANTS = """
    SELECT DISTINCT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, a.privilege_type
    FROM pg_namespace n, aclexplode(n.nspacl) a
    WHERE n.nspname = %s AND a.grantee <> n.nspowner
"""
TABLE_GRANTS = """
    SELECT DISTINCT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END, a.privilege_type
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
    WHERE n.nspname = %s AND c.relkind = 'r' AND a.grantee <> c.relowner
"""


def _carry_grants(pg: psycopg.Connection, schema: str, staging: str) -> None:
    """Give the new schema and its tables the privileges others held on the live ones.

    A BI tool's role was granted USAGE on the live schema and SELECT on its tables; those grants
    belong to the objects, so without this the swap would lock the dashboards out.
    """
    for query, target in ((SCHEMA_GRANTS, "SCHEMA {}"), (TABLE_GRANTS, "ALL TABLES IN SCHEMA {}")):
        for grantee, privilege in pg.execute(query, [schema]).fetchall():
            if privilege not in GRANTABLE:
                continue
            pg.execute(
                sql.SQL("GRANT {} ON " + target + " TO {}").format(
                    sql.SQL(privilege),
                    sql.Identifier(staging),
                    sql.SQL("PUBLIC") if grantee is None else sql.Identifier(grantee),
                )
            )


SCHEMA_OBJECTS = """
    SELECT c.relname, CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
        WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'
        ELSE 'relation' END
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    UNION ALL
    SELECT p.proname, 'function' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = %(schema)s
    UNION ALL
    SELECT t.typname, 'type' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_class c ON c.oid = t.typrelid
    WHERE n.nspname = %(schema)s AND (t.typtype IN ('d', 'e', 'r', 'm') OR c.relkind = 'c')
    ORDER BY 1, 2
"""
"""Everything a schema can hold that a DROP SCHEMA would take with it (row types of tables aside)."""


def check_owned_schema(pg: psycopg.Connection, schema: str) -> frozenset[str]:
    """The tables of `schema` that an earlier publish made, or refuse when replacing it would drop more.

    A schema that does not exist yet is fine (nothing to lose). One that exists must carry our marker
    table, and may hold only the tables its last publish listed in it: a user's table, view or
    function added beside them, or any schema of someone else's (`public`), stops the publish here,
    before anything is created.
    """
    if not pg.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone():
        return frozenset()
    objects = pg.execute(SCHEMA_OBJECTS, {"schema": schema}).fetchall()
    if (PROVENANCE_TABLE, "table") not in objects:
        listed = ", ".join(f"{kind} {name}" for name, kind in objects[:5]) or "no tables yet"
        more = f" and {len(objects) - 5} more" if len(objects) > 5 else ""
        raise PublishRefused(
            f"schema {schema} already exists and was not made by cgt-atlas publish (it has no "
            f"{PROVENANCE_TABLE} table; it holds {listed}{more}); replacing it would drop them"
        )
    listed_tables = pg.execute(
        sql.SQL("SELECT DISTINCT jsonb_object_keys(tables) FROM {}").format(
            sql.Identifier(schema, PROVENANCE_TABLE)
        )
    ).fetchall()
    ours = {name for (name,) in listed_tables} | {PROVENANCE_TABLE, SOURCES_TABLE}
    foreign = [(name, kind) for name, kind in objects if kind != "table" or name not in ours]
    if foreign:
        named = ", ".join(f"{kind} {schema}.{name}" for name, kind in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise PublishRefused(
            f"schema {schema} holds objects cgt-atlas did not publish ({named}{more}); replacing the "
            "schema would drop them. Move them to a schema of their own (ALTER ... SET SCHEMA), then "
            "run again"
        )
    return frozenset(name for name, _kind in objects)


def _swap(pg: psycopg.Connection, schema: str, staging: str, old: str, ours: frozenset[str]) -> None:
    """The live schema away, the new one in, the old one dropped: still inside the load's transaction.

    Only the tables `check_owned_schema` found to be ours are dropped, each by name and without
    CASCADE: a view someone built on them (in any schema) would be dropped silently by a cascade, so
    the publish fails instead and names it; anything added since the check stops DROP SCHEMA.
    """
    pg.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(SWAP_LOCK_TIMEOUT)))
    live = pg.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone()
    if live:
        _carry_grants(pg, schema, staging)
        pg.execute(
            sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(schema), sql.Identifier(old))
        )
    pg.execute(
        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(staging), sql.Identifier(schema))
    )
    if live:
        if ours:
            pg.execute(
                sql.SQL("DROP TABLE {}").format(
                    sql.SQL(", ").join(sql.Identifier(old, name) for name in sorted(ours))
                )
            )
        pg.execute(sql.SQL("DROP SCHEMA {}").format(sql.Identifier(old)))


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.sql("SELECT 1 FROM information_schema.tables WHERE table_name = ?", params=[name]).fetchall()
    )
