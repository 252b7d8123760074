"""Curated manufacturing sites: where approved CGT products are made, one row per product x site x role.

No agency publishes this as data: each row is read off a public page (the label's "Manufactured
by", EPAR Annex II, the holder's or the contract manufacturer's release, the agency's or a trade
news page) and carries that page's https URL. The seed is warehouse/curated/manufacturing_sites.csv;
like the other curated seeds, a live run lands a copy and a replay without a manufacturing_sites/
folder reads it in place.

A row names its product the way agencies print it (brand_name, active_substance), never by the
warehouse's product_id, which is a hash the models compute: the manufacturing_site_matches model
joins each row to a product by the same name keys the product matching uses, and lists a row
that matches no product or two in manufacturing_site_review instead of guessing.

The whole seed loads as one record (seed_id): any edit reloads every row, so a row removed or
renamed in the seed leaves the warehouse with it.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb
import polars as pl

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.regulatory import clean_text, page_seq
from cgt_atlas.settings import WAREHOUSE_DIR
from cgt_atlas.sources.base import ParsedPages, parser_fingerprint
from cgt_atlas.sources.curated.seeds import seed_fetch, seed_pages

NAME = "manufacturing_sites"
DESCRIPTION = "Curated commercial manufacturing sites of approved CGT products (site, role, country, source)"
PAGE_GLOB = "*.csv"
TABLES = ("manufacturing_site_seeds", "curated_manufacturing_sites")
ENTITY_KEY = "seed_id"
SEED_ID = f"{NAME}:seed"
"""One key for the whole seed: a changed seed replaces all its rows at load."""
CURATED_DIR = WAREHOUSE_DIR / "curated"
SEED_FILES = ("manufacturing_sites.csv",)
COLUMNS = (
    "brand_name",
    "active_substance",
    "site_name",
    "site_operator",
    "role",
    "city",
    "country_code",
    "supplies",
    "source_url",
    "note",
    "quote",
    "as_of",
)

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
    """The seed file itself: curated rows need no network and no replay folder."""
    return seed_pages(SEED_FILES)


fetch = seed_fetch(default_pages)


def site_row_id(brand_name: str | None, site_name: str | None, role: str | None) -> str:
    """A row's identity, product x site x role, case- and spacing-blind: two rows with the same
    one are the same fact written twice, which the schema refuses."""
    parts = [" ".join((value or "").lower().split()) for value in (brand_name, site_name, role)]
    return hashlib.md5("|".join(parts).encode()).hexdigest()[:12]


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    rows: list[dict[str, str | None]] = []
    fetch_seq = 0
    for position, page in enumerate(pages, start=1):
        fetch_seq = max(fetch_seq, page_seq(page, position))
        rows.extend(_read_page(page))
    frame = pl.DataFrame(
        [
            {"seed_id": SEED_ID, "site_row_id": site_row_id(r["brand_name"], r["site_name"], r["role"]), **r}
            for r in rows
        ],
        schema={"seed_id": pl.Utf8, "site_row_id": pl.Utf8, **{column: pl.Utf8 for column in COLUMNS}},
    ).with_columns(pl.lit(fetch_seq, dtype=pl.Int64).alias("fetch_seq"))
    con.register("site_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE site_rows AS SELECT * FROM site_frame")
    con.unregister("site_frame")
    # The seed's hash covers every row (in a fixed order, so moving a row reloads nothing) and
    # the parser's fingerprint; fetch_seq stays out of it.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE seed_rows AS
        SELECT $seed_id AS seed_id, count(*)::INTEGER AS "rows",
            hash(coalesce(to_json(list(struct_pack(site_row_id, brand_name, active_substance, site_name,
                site_operator, "role", city, country_code, supplies, source_url, note, quote, as_of)
                ORDER BY site_row_id)),
                '[]'), $fingerprint)::UBIGINT AS content_hash,
            $fetch_seq::BIGINT AS fetch_seq
        FROM site_rows
        """,
        {
            "seed_id": SEED_ID,
            "fetch_seq": fetch_seq,
            "fingerprint": parser_fingerprint(Path(__file__).parent, CURATED_DIR.parent / "ddl"),
        },
    )
    return ParsedPages(
        tables={
            "manufacturing_site_seeds": con.sql("SELECT * FROM seed_rows"),
            "curated_manufacturing_sites": con.sql("SELECT * FROM site_rows"),
        },
        rows=1 if pages else 0,  # one record, the seed: what the load's gates count
        notes=[f"{len(rows)} manufacturing-site rows in the seed"],
    )


def _read_page(page: Path) -> list[dict[str, str | None]]:
    """The seed's rows with blanks as None; a seed missing a column is refused whole."""
    with page.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise PageStructureChanged(
                f"{page.name}: manufacturing_sites seed lacks column(s) {', '.join(missing)}; "
                f"columns found: {', '.join(header)}"
            )
        return [{column: clean_text(row.get(column)) for column in COLUMNS} for row in reader]
