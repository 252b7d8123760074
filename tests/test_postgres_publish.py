"""`cgt-atlas publish`: marts and dimensions copied into a real PostgreSQL server, swapped in atomically.

The tests start their own server (Debian's PostgreSQL binaries) on 127.0.0.1 in a temp folder,
with trust authentication, and stop it afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

psycopg = pytest.importorskip("psycopg")

from click.testing import CliRunner  # noqa: E402

from cgt_atlas import postgres  # noqa: E402
from cgt_atlas.cli import app  # noqa: E402
from cgt_atlas.errors import EXIT_TEMPFAIL, EXIT_USAGE  # noqa: E402
from cgt_atlas.landing import new_run_id  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.registry_helpers import load_replay  # noqa: E402

MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql to run these tests"
)


def _binaries() -> tuple[str, str] | None:
    """initdb and pg_ctl from PATH, else from Debian's versioned folder (not on PATH by default)."""
    for folder in [None, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        initdb, pg_ctl = shutil.which("initdb", path=folder), shutil.which("pg_ctl", path=folder)
        if initdb and pg_ctl:
            return initdb, pg_ctl
    return None


def _server_user() -> pwd.struct_passwd | None:
    """initdb refuses to run as root: then the server runs as `postgres` (Debian's), else `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.skip("running as root and no postgres or nobody user to run the PostgreSQL server as")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL server; yields the URL of its `postgres` database."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip(MISSING)
    initdb, pg_ctl = binaries
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="cgt-atlas-pg-"))  # under /tmp, which the server user can reach
    data = root / "data"
    run: dict[str, Any] = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
        run |= {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "cwd": root}
    port = _free_port()
    try:
        subprocess.run(
            [initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], **run
        )
        options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off"
        subprocess.run(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"], **run
        )
    except subprocess.CalledProcessError as error:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {error.stderr}{log}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"], **(run | {"check": False}))
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def target(pg_server: str) -> Iterator[str]:
    """A fresh database on the server per test."""
    name = f"t_{new_run_id().lower()}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield pg_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse from the committed fixtures: ctgov pages and the project's curated seeds."""
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(data))
        load_replay(FIXTURES, data / "atlas.duckdb", ["ctgov", "curated"], new_run_id())
    return data / "atlas.duckdb"


def _duck_rows(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.sql(f'SELECT * FROM "{table}"').fetchall(), key=repr)
    finally:
        con.close()


def _pg(url: str, query: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(url) as con:
        return con.execute(query, params).fetchall()


def _schemas(url: str) -> set[str]:
    return {row[0] for row in _pg(url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cgt%'")}


def test_every_mart_and_dimension_arrives_with_the_same_rows(warehouse: Path, target: str) -> None:
    tables = postgres.publish(warehouse, target)
    assert {"countries", "products", "organisations", "mart_country_activity", "mart_sponsors"} <= set(tables)
    # the trial-level tables travel too, dates as DATE and coordinates as numbers
    assert tables["mart_trials"] > 0 and tables["mart_trial_sites"] > 0
    assert dict(
        _pg(
            target,
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'cgt_atlas' "
            "AND column_name IN ('start_date', 'start_date_precision', 'latitude', 'country_codes')",
        )
    ) == {
        "start_date": "date",
        "start_date_precision": "text",
        "latitude": "double precision",
        "country_codes": "ARRAY",
    }
    assert _schemas(target) == {"cgt_atlas"}
    for table, rows in tables.items():
        published = sorted(_pg(target, f'SELECT * FROM cgt_atlas."{table}"'), key=repr)
        assert len(published) == rows
        assert published == _duck_rows(warehouse, table), table
    [(run_id, version, carried, counts)] = _pg(
        target,
        "SELECT warehouse_run_id, classifier_rules_version, provenance, tables "
        "FROM cgt_atlas._cgt_atlas_publish",
    )
    assert run_id and version and counts == tables
    assert carried["run_id"] == run_id and {"source.ctgov", "source.curated"} <= set(carried)
    assert {row[0] for row in _pg(target, "SELECT source FROM cgt_atlas._cgt_atlas_sources")} == {
        "ctgov",
        "curated",
    }


def test_the_data_dictionary_arrives_as_postgresql_comments(warehouse: Path, target: str) -> None:
    """BI tools show a table's grain and a column's meaning from the comments publish writes."""
    postgres.publish(warehouse, target)
    [(table_comment,)] = _pg(
        target, "SELECT obj_description('cgt_atlas.mart_sponsors'::regclass, 'pg_class')"
    )
    assert table_comment and table_comment.lower().startswith("one row per region")
    column_comments = dict(
        _pg(
            target,
            "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a "
            "WHERE a.attrelid = 'cgt_atlas.mart_sponsors'::regclass AND a.attnum > 0",
        )
    )
    assert all(column_comments.values()), [name for name, comment in column_comments.items() if not comment]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        [(duck_comment,)] = con.sql(
            "SELECT comment FROM duckdb_columns() "
            "WHERE table_name = 'mart_sponsors' AND column_name = 'trials'"
        ).fetchall()
    finally:
        con.close()
    assert column_comments["trials"] == duck_comment


def test_types_map_to_postgresql_and_back(tmp_path: Path, target: str) -> None:
    db = tmp_path / "types.duckdb"
    con = duckdb.connect(str(db))
    con.sql(
        """
        CREATE TABLE typed AS SELECT 'a' || chr(0) || 'b' AS text_col, true AS flag, 7::INTEGER AS small,
            18446744073709551615::UBIGINT AS unsigned,
            170141183460469231731687303715884105727::HUGEINT AS huge,
            1.5::DOUBLE AS real_col, 'NaN'::DOUBLE AS nan, 12.34::DECIMAL(10, 2) AS money,
            DATE '2024-02-29' AS day, TIMESTAMP '2024-01-01 10:00:00' AS at,
            TIMESTAMPTZ '2024-01-01 10:00:00+00' AS at_tz, ['x', 'y,z'] AS words, [1, 2] AS numbers,
            {'k': 1, 'v': 'w'} AS struct_col, NULL::VARCHAR AS missing
        """
    )
    con.close()
    pg = psycopg.connect(target)
    try:
        pg.execute("CREATE SCHEMA s")
        duck = duckdb.connect(str(db), read_only=True)
        assert postgres.copy_table(duck, pg, "typed", "s") == 1
        duck.close()
        kinds = dict(
            pg.execute(
                "SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns "
                "JOIN pg_attribute ON attrelid = 's.typed'::regclass AND attname = column_name "
                "WHERE table_schema = 's'"
            ).fetchall()
        )
        row = pg.execute("SELECT * FROM s.typed").fetchone()
    finally:
        pg.close()
    assert (
        kinds["unsigned"] == "numeric(20,0)" and kinds["words"] == "text[]" and kinds["struct_col"] == "jsonb"
    )
    assert kinds["at_tz"] == "timestamp with time zone" and kinds["money"] == "numeric(10,2)"
    assert row[0] == "ab" and row[3] == 18446744073709551615 and row[4] == 2**127 - 1
    assert row[6] != row[6] and str(row[7]) == "12.34" and row[11] == ["x", "y,z"] and row[12] == [1, 2]
    assert row[13] == {"k": 1, "v": "w"} and row[14] is None


def test_a_second_publish_swaps_and_leaves_no_other_schema(warehouse: Path, target: str) -> None:
    postgres.publish(warehouse, target)
    [(first,)] = _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish")
    postgres.publish(warehouse, target)
    [(second,)] = _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish")
    assert second != first
    assert _schemas(target) == {"cgt_atlas"}


def test_a_publish_failing_mid_copy_leaves_the_live_schema_as_it_was(
    warehouse: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres.publish(warehouse, target)
    [(before,)] = _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish")
    countries = _pg(target, "SELECT count(*) FROM cgt_atlas.countries")
    copied: list[str] = []
    real_copy = postgres.copy_table

    def failing_copy(duck: Any, pg: Any, table: str, schema: str) -> int:
        if len(copied) == 3:
            pg.execute("SELECT 1 / 0")  # the server refuses a statement after three tables
        copied.append(table)
        return real_copy(duck, pg, table, schema)

    monkeypatch.setattr(postgres, "copy_table", failing_copy)
    with pytest.raises(postgres.PublishFailed, match="division by zero"):
        postgres.publish(warehouse, target)
    assert _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish") == [(before,)]
    assert _pg(target, "SELECT count(*) FROM cgt_atlas.countries") == countries
    assert _schemas(target) == {"cgt_atlas"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@host/db", "must be a postgresql:// URL"),
        ("postgresql://user@host:notaport/db", "cannot"),
    ],
)
def test_a_bad_url_is_named_before_anything_happens(warehouse: Path, url: str, message: str) -> None:
    result = CliRunner().invoke(app, ["publish", "--to", url, "--db", str(warehouse)])
    assert result.exit_code == EXIT_USAGE
    assert "error:" in result.output and message in result.output and "next:" in result.output


def test_an_unreachable_server_or_refused_login_says_so_and_changes_nothing(
    warehouse: Path, target: str, pg_server: str
) -> None:
    closed = f"postgresql://postgres@127.0.0.1:{_free_port()}/postgres"
    result = CliRunner().invoke(app, ["publish", "--to", closed, "--db", str(warehouse)])
    assert (  # a server that does not answer may answer later
        result.exit_code == EXIT_TEMPFAIL
        and "cannot connect to PostgreSQL" in result.output
        and "next:" in result.output
    )
    missing_db = pg_server.rsplit("/", 1)[0] + "/no_such_database"
    result = CliRunner().invoke(app, ["publish", "--to", missing_db, "--db", str(warehouse)])
    assert result.exit_code == EXIT_USAGE and "no_such_database" in result.output  # it will refuse again
    stranger = pg_server.replace("postgres@", "no_such_role@")
    result = CliRunner().invoke(app, ["publish", "--to", stranger, "--db", str(warehouse)])
    assert result.exit_code == EXIT_USAGE and 'role "no_such_role" does not exist' in result.output
    assert _schemas(target) == set()


def test_the_cli_publishes_and_reports_each_table(warehouse: Path, target: str) -> None:
    result = CliRunner().invoke(app, ["publish", "--to", target, "--schema", "bi", "--db", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "mart_country_activity" in result.output and "schema bi" in result.output
    assert _pg(target, "SELECT count(*) FROM bi.countries")[0][0] > 0


def test_grants_on_the_live_schema_survive_the_swap(warehouse: Path, target: str) -> None:
    role = f"bi_{new_run_id().lower()}"
    postgres.publish(warehouse, target)
    with psycopg.connect(target, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role}")
        admin.execute(f"GRANT USAGE ON SCHEMA cgt_atlas TO {role}")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA cgt_atlas TO {role}")
    postgres.publish(warehouse, target)
    [(usage, select)] = _pg(
        target,
        "SELECT has_schema_privilege(%s, 'cgt_atlas', 'USAGE'), "
        "has_table_privilege(%s, 'cgt_atlas.mart_sponsors', 'SELECT')",
        [role, role],
    )
    assert usage and select


def test_a_view_built_on_the_published_tables_stops_the_swap_instead_of_vanishing(
    warehouse: Path, target: str
) -> None:
    postgres.publish(warehouse, target)
    with psycopg.connect(target, autocommit=True) as admin:
        admin.execute("CREATE SCHEMA mine")
        admin.execute("CREATE VIEW mine.europe AS SELECT * FROM cgt_atlas.countries WHERE region = 'Europe'")
    with pytest.raises(postgres.PublishFailed, match="mine.europe"):
        postgres.publish(warehouse, target)
    assert _pg(target, "SELECT count(*) FROM mine.europe")[0][0] > 0
    assert _schemas(target) == {"cgt_atlas"}


def test_a_second_publish_to_the_same_schema_stops_while_one_runs(warehouse: Path, target: str) -> None:
    with psycopg.connect(target) as other:
        other.execute("SELECT pg_advisory_xact_lock(hashtext('cgt-atlas publish cgt_atlas'))")
        with pytest.raises(postgres.PublishBusy):
            postgres.publish(warehouse, target)
    assert _schemas(target) == set()


def test_a_schema_name_that_needs_quoting_is_refused(warehouse: Path, target: str) -> None:
    result = CliRunner().invoke(
        app, ["publish", "--to", target, "--schema", "Drop Me", "--db", str(warehouse)]
    )
    assert result.exit_code == EXIT_USAGE and "--schema" in result.output and "next:" in result.output


def test_readers_see_the_previous_data_while_a_publish_runs(
    warehouse: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres.publish(warehouse, target)
    [(before,)] = _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish")
    halfway, release = threading.Event(), threading.Event()
    real_copy = postgres.copy_table

    def pausing_copy(duck: Any, pg: Any, table: str, schema: str) -> int:
        rows = real_copy(duck, pg, table, schema)
        if not halfway.is_set():
            halfway.set()
            release.wait(30)
        return rows

    monkeypatch.setattr(postgres, "copy_table", pausing_copy)
    publishing = threading.Thread(target=postgres.publish, args=(warehouse, target))
    publishing.start()
    try:
        assert halfway.wait(30)
        assert _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish") == [(before,)]
        assert _schemas(target) == {"cgt_atlas"}  # the new schema is invisible until the swap commits
    finally:
        release.set()
        publishing.join(60)
    [(after,)] = _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish")
    assert after != before and _schemas(target) == {"cgt_atlas"}


def _all_schemas(url: str) -> set[str]:
    return {
        row[0]
        for row in _pg(url, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ESCAPE '\\'")
    } - {"information_schema"}


@pytest.fixture
def someone_elses_data(target: str) -> str:
    """A database a BI team already uses: public.customers (2 rows) and analytics.kpis (1 row), not ours."""
    with psycopg.connect(target, autocommit=True) as admin:
        admin.execute("CREATE TABLE public.customers (id int, name text)")
        admin.execute("INSERT INTO public.customers VALUES (1, 'Ada'), (2, 'Grace')")
        admin.execute("CREATE SCHEMA analytics")
        admin.execute("CREATE TABLE analytics.kpis (name text, value int)")
        admin.execute("INSERT INTO analytics.kpis VALUES ('trials', 7)")
    return target


@pytest.mark.parametrize(("schema", "holds"), [("public", "customers"), ("analytics", "kpis")])
def test_publish_refuses_an_existing_schema_it_did_not_make_and_changes_nothing(
    warehouse: Path, someone_elses_data: str, schema: str, holds: str
) -> None:
    before = _all_schemas(someone_elses_data)
    result = CliRunner().invoke(
        app, ["publish", "--to", someone_elses_data, "--schema", schema, "--db", str(warehouse)]
    )
    assert result.exit_code == EXIT_USAGE
    assert f"error: schema {schema} already exists and was not made by cgt-atlas" in result.output
    assert holds in result.output and "next:" in result.output
    assert _pg(someone_elses_data, "SELECT count(*) FROM public.customers") == [(2,)]
    assert _pg(someone_elses_data, "SELECT * FROM analytics.kpis") == [("trials", 7)]
    assert _all_schemas(someone_elses_data) == before


def test_an_empty_public_schema_is_refused_too(warehouse: Path, target: str) -> None:
    with pytest.raises(postgres.PublishRefused, match="schema public already exists"):
        postgres.publish(warehouse, target, schema="public")


def test_the_default_publish_beside_other_schemas_leaves_them_alone(
    warehouse: Path, someone_elses_data: str
) -> None:
    postgres.publish(warehouse, someone_elses_data)
    postgres.publish(warehouse, someone_elses_data)
    assert _pg(someone_elses_data, "SELECT count(*) FROM public.customers") == [(2,)]
    assert _pg(someone_elses_data, "SELECT * FROM analytics.kpis") == [("trials", 7)]
    assert _all_schemas(someone_elses_data) == {"public", "analytics", "cgt_atlas"}


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("CREATE TABLE cgt_atlas.my_notes (note text)", "table cgt_atlas.my_notes"),
        ("CREATE VIEW cgt_atlas.my_view AS SELECT 1 AS one", "view cgt_atlas.my_view"),
        (
            "CREATE FUNCTION cgt_atlas.my_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "function cgt_atlas.my_fn",
        ),
        ("CREATE TYPE cgt_atlas.my_mood AS ENUM ('ok')", "type cgt_atlas.my_mood"),
    ],
)
def test_an_object_someone_added_to_our_schema_stops_the_swap_and_survives(
    warehouse: Path, target: str, statement: str, named: str
) -> None:
    postgres.publish(warehouse, target)
    [(before,)] = _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish")
    with psycopg.connect(target, autocommit=True) as admin:
        admin.execute(statement)
    with pytest.raises(postgres.PublishRefused, match=named):
        postgres.publish(warehouse, target)
    assert _pg(target, "SELECT publish_id FROM cgt_atlas._cgt_atlas_publish") == [(before,)]
    schema, name = named.split()[-1].split(".")
    objects = _pg(target, postgres.SCHEMA_OBJECTS, {"schema": schema})
    assert name in {object_name for object_name, _kind in objects}
    assert _schemas(target) == {"cgt_atlas"}
