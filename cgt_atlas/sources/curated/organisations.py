"""Curated organisations: parent companies and institutions, and the sponsor spellings that name them.

Like the curated approvals, the pages are seed files kept in the project
(warehouse/curated/organisations.csv and organisation_aliases.csv), each row with the https page
that states it. A live run lands a copy of them; a replay without an organisations/ folder reads
them in place. Which file a page is comes from its header, so landed copies (page-0001.csv, ...)
parse like the seeds. An alias is matched on organisation_key(), the one SQL normalisation the
models also apply to sponsor and site names (warehouse/ddl/041_organisation_macros.sql).
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import polars as pl

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.regulatory import clean_text, page_seq
from cgt_atlas.settings import SEEDS_DIR, WAREHOUSE_DIR
from cgt_atlas.sources.base import (
    ParsedPages,
    RejectedRecord,
    parser_fingerprint,
)
from cgt_atlas.sources.curated.seeds import seed_fetch, seed_pages

NAME = "organisations"
DESCRIPTION = "Curated parent organisations (HQ country, public source) and the sponsor spellings naming them"
PAGE_GLOB = "*.csv"
TABLES = ("organisations", "organisation_aliases")
ENTITY_KEY = "organisation_id"
CURATED_DIR = WAREHOUSE_DIR / "curated"
SEED_FILES = ("organisations.csv", "organisation_aliases.csv")
MACROS = WAREHOUSE_DIR / "ddl" / "041_organisation_macros.sql"
ORGANISATION_COLUMNS = ("organisation_id", "name", "org_type", "hq_country_code", "source_url", "note")
ALIAS_COLUMNS = ("alias", "organisation_id", "relation", "source_url", "note", "effective_date")

__all__ = [
    "DESCRIPTION",
    "ENTITY_KEY",
    "NAME",
    "PAGE_GLOB",
    "SEED_FILES",
    "TABLES",
    "default_pages",
    "fetch",
    "parse",
]


def default_pages() -> list[Path]:
    """The two seed files themselves: curated rows need no network and no replay folder."""
    return seed_pages(SEED_FILES)


fetch = seed_fetch(default_pages)


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    organisations: list[dict] = []
    aliases: list[dict] = []
    for position, page in enumerate(pages, start=1):
        kind, rows = _read_page(page)
        for row_no, row in enumerate(rows, start=1):
            (organisations if kind == "organisations" else aliases).append(
                {"fetch_seq": page_seq(page, position) * 100_000 + row_no, **row}
            )
    fetch_seq_of = {row["organisation_id"]: row["fetch_seq"] for row in organisations}
    known, rejected = [], []
    for alias in aliases:
        if alias["organisation_id"] in fetch_seq_of:  # a child carries its parent's fetch_seq
            known.append({**alias, "fetch_seq": fetch_seq_of[alias["organisation_id"]]})
        else:
            rejected.append(
                RejectedRecord(
                    entity_key=alias["organisation_id"],
                    check_name="organisation_aliases:organisation_id:unknown_organisation",
                    failure_value=f"alias {alias['alias']!r} names organisation_id "
                    f"{alias['organisation_id']!r}, which organisations.csv does not hold",
                    record=str(alias),
                )
            )
    con.execute(MACROS.read_text(encoding="utf-8"))
    con.register("organisation_frame", _frame(organisations, ORGANISATION_COLUMNS))
    con.register("alias_frame", _frame(known, ALIAS_COLUMNS))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE organisation_countries AS "
        "SELECT country_code, region FROM read_csv(?, header = true, all_varchar = true)",
        [str(SEEDS_DIR / "countries.csv")],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE alias_rows AS SELECT organisation_id, alias, organisation_key(alias) "
        "AS alias_key, relation, source_url, note, effective_date, fetch_seq FROM alias_frame"
    )
    # The parent's hash covers its aliases too (an alias added or changed reloads its organisation),
    # and leaves out fetch_seq, so a row added above another does not reload it.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE organisation_rows AS
        SELECT o.organisation_id, o."name", o.org_type, o.hq_country_code, c.region AS hq_region,
            o.source_url, o.note,
            hash(to_json(struct_pack(o.organisation_id, o."name", o.org_type, o.hq_country_code, o.source_url,
                o.note)), (
                SELECT to_json(list(struct_pack(a.alias, a.alias_key, a.relation, a.source_url, a.note,
                    a.effective_date) ORDER BY a.alias)) FROM alias_rows AS a
                WHERE a.organisation_id = o.organisation_id), $fingerprint)::UBIGINT AS content_hash,
            o.fetch_seq
        FROM organisation_frame AS o
        LEFT JOIN organisation_countries AS c ON c.country_code = o.hq_country_code
        """,
        {"fingerprint": parser_fingerprint(Path(__file__).parent, CURATED_DIR.parent / "ddl")},
    )
    con.unregister("organisation_frame")
    con.unregister("alias_frame")
    return ParsedPages(
        tables={
            "organisations": con.sql("SELECT * FROM organisation_rows"),
            "organisation_aliases": con.sql("SELECT * FROM alias_rows"),
        },
        rows=len(organisations) + len(rejected),
        rejected=rejected,
    )


def _read_page(page: Path) -> tuple[str, list[dict[str, str | None]]]:
    """Which seed a page is (its header says), and its rows with blanks as None."""
    with page.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        is_alias_page = "alias" in header
        kind = "organisation_aliases" if is_alias_page else "organisations"
        columns = ALIAS_COLUMNS if is_alias_page else ORGANISATION_COLUMNS
        missing = [column for column in columns if column not in header]
        if missing:
            raise PageStructureChanged(
                f"{page.name}: {kind} seed lacks column(s) {', '.join(missing)}; "
                f"columns found: {', '.join(header)}"
            )
        return kind, [{column: clean_text(row.get(column)) for column in columns} for row in reader]


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"fetch_seq": pl.Int64, **{column: pl.Utf8 for column in columns}})
