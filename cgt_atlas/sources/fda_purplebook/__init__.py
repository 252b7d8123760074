"""FDA Purple Book monthly data download: the primary FDA source for licensed CGT biologics (fetched).

One CSV lists every licensed biological product, one row per presentation. We keep one record per
BLA that CBER licensed and that the project's modality classifier calls a cell or gene therapy
(docs/sources.md, "fda_purplebook"); the fda_cgt scrape and the curated FDA rows become fallbacks.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import duckdb

from cgt_atlas.landing import MANIFEST
from cgt_atlas.regulatory import (
    APPROVED,
    RECORD_KEY,
    RECORD_TABLES,
    AgencyRecord,
    clean_text,
    iso_date,
    page_seq,
    record_tables,
    regulator_fingerprint,
)
from cgt_atlas.settings import WAREHOUSE_DIR
from cgt_atlas.sources.base import ParsedPages, parser_fingerprint
from cgt_atlas.sources.fda_purplebook import settings as s
from cgt_atlas.sources.fda_purplebook.helpers import fetch_latest as fetch
from cgt_atlas.sources.fda_purplebook.helpers import full_list_rows

NAME = "fda_purplebook"
DESCRIPTION = (
    "FDA Purple Book monthly download: CBER-licensed cell and gene therapy BLAs (primary FDA source)"
)
PAGE_GLOB = "*.csv"
TABLES = RECORD_TABLES
ENTITY_KEY = RECORD_KEY
NOT_CGT = "not CGT"

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]

Row = dict[str, str]


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Each file's full list, grouped by BLA; the CBER BLAs the CGT rule keeps become approvals."""
    records: list[tuple[int, AgencyRecord]] = []
    notes: list[str] = []
    for position, page in enumerate(pages, start=1):
        by_bla: dict[str, list[Row]] = {}
        for _, row in full_list_rows(page):
            by_bla.setdefault(clean_text(row[s.BLA_NUMBER]) or "", []).append(row)
        if "" in by_bla:
            rows = len(by_bla.pop(""))
            notes.append(f"{page.name}: {rows} rows without a BLA number (not CGT-checked, not loaded)")
        cber = {bla: rows for bla, rows in by_bla.items() if _is_cber(rows)}
        modalities = cgt_modalities({bla: _names(rows) for bla, rows in cber.items()})
        url = _landed_url(page) or s.DOWNLOADS_URL
        kept = sorted(bla for bla, modality in modalities.items() if modality != NOT_CGT)
        for number, bla in enumerate(kept, start=1):
            records.append((page_seq(page, position) * 100_000 + number, _record(bla, cber[bla], url)))
        notes.append(
            f"{page.name}: {len(by_bla)} BLAs, {len(cber)} licensed by CBER, "
            f"{len(kept)} cell or gene therapies"
        )
    return ParsedPages(tables=record_tables(con, records, _fingerprint()), rows=len(records), notes=notes)


@cache
def _fingerprint() -> str:
    """The CGT rule reads the classifier's rules, so a rules change re-parses the file too."""
    return regulator_fingerprint(Path(__file__).parent) + parser_fingerprint(WAREHOUSE_DIR / "rules")


def _is_cber(rows: list[Row]) -> bool:
    return any(clean_text(row[s.CENTER]) == s.CBER for row in rows)


def _names(rows: list[Row]) -> str:
    """Brand and proper names of every row of a BLA, as the classifier reads them."""
    names = {clean_text(row[column]) for row in rows for column in (s.PROPRIETARY_NAME, s.PROPER_NAME)}
    return " | ".join(sorted(name for name in names if name and name.casefold() not in s.NO_BRAND))


def cgt_modalities(names: dict[str, str]) -> dict[str, str]:
    """The modality classifier's label for each BLA's names; a few names it lacks are added (settings).

    The classifier lives with the warehouse models; it is read here, not re-implemented, so the
    source and the marts agree on what counts as CGT.
    """
    from warehouse.classifier import install_classifier

    con = duckdb.connect()
    try:
        install_classifier(con)
        con.execute("CREATE TABLE purplebook_names (item_id VARCHAR, field VARCHAR, text VARCHAR)")
        con.executemany("INSERT INTO purplebook_names VALUES (?, 'intervention', ?)", list(names.items()))
        labels = dict(con.sql("SELECT item_id, modality FROM classify_items('purplebook_names')").fetchall())
    finally:
        con.close()
    for bla, text in names.items():
        if labels.get(bla, NOT_CGT) == NOT_CGT and any(
            re.search(pattern, text.casefold()) for pattern in s.EXTRA_CGT_PROPER_NAMES
        ):
            labels[bla] = "unclassified CGT"
    return {bla: labels.get(bla, NOT_CGT) for bla in names}


def _original(rows: list[Row]) -> Row | None:
    """The BLA's original submission row (Submission Type Original, supplement 0), if listed."""
    for row in rows:
        if (clean_text(row[s.SUBMISSION_TYPE]) or "").casefold() == "original" and (
            clean_text(row.get(s.SUPPLEMENT_NUMBER)) or "0"
        ).lstrip("0") == "":
            return row
    return None


def _approval_date(rows: list[Row], original: Row | None) -> tuple[str | None, str | None]:
    """(date, note): Date of First Licensure, else the original submission's date, else the earliest."""
    first = sorted(d for row in rows if (d := iso_date(row.get(s.FIRST_LICENSURE), s.DATE_FORMATS)))
    if first:
        return first[0], None
    if original is not None:
        return iso_date(original[s.APPROVAL_DATE], s.DATE_FORMATS), None
    dates = sorted(d for row in rows if (d := iso_date(row[s.APPROVAL_DATE], s.DATE_FORMATS)))
    return (dates[0] if dates else None), "no original submission row: the earliest approval date listed"


def strip_suffix(proper_name: str | None) -> str | None:
    """`onasemnogene abeparvovec-xioi` -> `onasemnogene abeparvovec`; `sipuleucel-T` is kept as it is."""
    if proper_name is None:
        return None
    return re.sub(s.PROPER_NAME_SUFFIX, "", proper_name) or proper_name


def _record(bla: str, rows: list[Row], url: str) -> AgencyRecord:
    original = _original(rows)
    decision_date, date_note = _approval_date(rows, original)
    original = original or rows[0]
    proper = clean_text(original[s.PROPER_NAME])
    brand = clean_text(original[s.PROPRIETARY_NAME])
    if brand and brand.casefold() in s.NO_BRAND:
        brand = None
    licensure = sorted({clean_text(row[s.LICENSURE]) or "" for row in rows} - {""})
    status = "authorised" if "Licensed" in licensure else s.LICENSURE_STATUSES.get(licensure[0], licensure[0])
    marketing = sorted({clean_text(row[s.MARKETING_STATUS]) or "" for row in rows} - {""})
    licence = clean_text(original[s.LICENSE_NUMBER])
    facts = [
        "cord-blood HPC licence (public bank, minimally manipulated cells)"
        if re.search(s.CORD_BLOOD, (proper or "").casefold())
        else None,
        f"US licence no. {licence} (the licensed manufacturer)" if licence else None,
        f"marketing status {', '.join(marketing)}" if marketing else None,
        date_note,
        _implied_date_note(rows, decision_date),
    ]
    return AgencyRecord(
        record_id=f"fda_purplebook:{bla}",
        agency="FDA",
        outcome=APPROVED,
        status=status,
        brand_name=brand,
        active_substance=strip_suffix(proper),
        common_name=proper,
        holder=clean_text(original[s.APPLICANT]),
        decision_date=decision_date,
        status_date=None,  # the file gives no revocation date
        approval_type=None,
        indication=None,
        agency_record_no=bla,
        source_kind="fetched",
        source_url=url,
        note="; ".join(fact for fact in facts if fact),
    )


def _implied_date_note(rows: list[Row], decision_date: str | None) -> str | None:
    """The approval date the earliest orphan exclusivity expiry implies, when it is not the date listed."""
    expiries = sorted(
        d for row in rows if (d := iso_date(row.get(s.ORPHAN_EXCLUSIVITY), s.DATE_FORMATS)) and len(d) == 10
    )
    if not expiries or decision_date is None:
        return None
    year, rest = expiries[0].split("-", 1)
    implied = f"{int(year) - s.ORPHAN_EXCLUSIVITY_YEARS:04d}-{rest}"
    if implied == decision_date or rest == "02-29":
        return None
    return s.IMPLIED_DATE_NOTE.format(expiry=expiries[0], implied=implied)


def _landed_url(page: Path) -> str | None:
    """The URL a landed CSV was fetched from (its manifest entry); None for a file handed in by hand."""
    manifest = page.parent / MANIFEST
    if not manifest.is_file():
        return None
    for line in manifest.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line) if line.strip() else {}
        if entry.get("file") == page.name:
            url = str(entry["url"])
            return url if url.startswith(("https://", "http://")) else None  # a hand-in's is a file: URL
    return None
