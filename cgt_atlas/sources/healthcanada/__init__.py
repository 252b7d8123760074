"""Health Canada's Drug Product Database bulk extract (zips of headerless CSV): the CGT products it approved.

One approval is one product: the drug codes (one per DIN) sharing a brand name and the same
ingredients are one record, so several strengths of a product count once. Its key is the lowest
drug code of the group, which DPD keeps as a DIN moves between the marketed, approved, dormant and
cancelled extracts. Which products are CGT: see settings (CGT_ATC_PREFIXES, CGT_INN_STEM).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cgt_atlas.errors import SourceHttpError
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
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
from cgt_atlas.sources.base import FetchResult, ParsedPages, ProgressCallback, RejectedRecord
from cgt_atlas.sources.healthcanada import settings as s
from cgt_atlas.sources.healthcanada.helpers import Extract, Row, read_extract

NAME = "healthcanada"
DESCRIPTION = "Health Canada Drug Product Database extract: the cell and gene therapies it approved"
PAGE_GLOB = "*.zip"
TABLES = RECORD_TABLES
ENTITY_KEY = RECORD_KEY

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]


def fetch(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Each extract whole (DPD publishes no changes-since): the required zips, then the optional ones
    that exist (`_dr` and `_ia` may be withdrawn; their 404 is not a failure)."""
    variants = [*s.REQUIRED_ZIPS, *s.OPTIONAL_ZIPS]
    for done, variant in enumerate(variants, start=1):
        url = s.fetch_url(variant)
        try:
            response = client.get(url, expect="zip")
        except SourceHttpError as error:
            if variant in s.OPTIONAL_ZIPS and error.status == 404:
                continue
            raise
        landing.write(response.content, url=url, params=None, status=response.status_code, suffix=".zip")
        if on_page:
            on_page(done, len(variants))
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)


@dataclass
class _Product:
    """One drug code (one DIN) as the extracts describe it; the later extract wins."""

    code: str
    drug: Row
    ingredients: list[Row]
    statuses: list[Row]
    atc_codes: list[str]
    holder: str | None
    variant: str
    fetch_seq: int


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Every human product of the extracts is scanned; the CGT ones, grouped by brand, become approvals.

    A drug code with an unreadable row is quarantined unless what could be read rules it out (not for
    humans, or not CGT with only its status or company rows unreadable); a CGT product with one
    unreadable DIN is quarantined whole, as its date or its DIN list could be wrong.
    """
    products: dict[str, _Product] = {}
    unreadable: dict[str, list[tuple[str, str]]] = {}
    for position, page in enumerate(pages, start=1):
        extract = read_extract(page)
        found = _products(extract, page_seq(page, position))
        for code in found.keys() | extract.unreadable.keys():  # a later extract replaces an earlier one
            products.pop(code, None)
            unreadable.pop(code, None)
        products.update(found)
        unreadable.update(extract.unreadable)
    out_of_scope = {code for code, problems in unreadable.items() if _ruled_out(products.get(code), problems)}
    suspect = unreadable.keys() - out_of_scope
    human = [p for p in products.values() if p.drug["CLASS"] == s.HUMAN]
    cgt_codes = 0
    records: list[tuple[int, AgencyRecord]] = []
    rejected: list[RejectedRecord] = []
    grouped: set[str] = set()
    for group in _groups(p for p in human if _is_cgt(p) or p.code in suspect):
        codes = {p.code for p in group}
        grouped |= codes
        if codes & suspect:
            problems = [problem for code in sorted(codes & suspect) for _, problem in unreadable[code]]
            rejected.append(_rejected(f"healthcanada:{group[0].code}", codes, problems))
        elif _is_cgt(group[0]):
            cgt_codes += len(group)
            records.append((min(p.fetch_seq for p in group), _record(group)))
    for code in sorted(suspect - grouped, key=lambda c: (len(c), c)):  # no readable drug row to group by
        entity_key = f"healthcanada:{code}" if code else None
        rejected.append(_rejected(entity_key, {code}, [problem for _, problem in unreadable[code]]))
    notes = [
        f"{len(human)} human products scanned ({len(products)} drug codes in all): "
        f"{len(records)} CGT products ({cgt_codes} drug codes)"
    ]
    if out_of_scope:
        notes.append(
            f"{len(out_of_scope)} drug codes with unreadable rows are not human CGT products: skipped"
        )
    return ParsedPages(
        tables=record_tables(con, records, regulator_fingerprint(Path(__file__).parent)),
        rows=len(records) + len(rejected),
        notes=notes,
        rejected=rejected,
    )


def _ruled_out(product: _Product | None, problems: list[tuple[str, str]]) -> bool:
    """What could be read shows the drug code is no human CGT product, whatever its bad rows held."""
    if product is None:
        return False
    if product.drug["CLASS"] != s.HUMAN:
        return True
    return all(member in s.NOT_DETECTING for member, _ in problems) and not _is_cgt(product)


def _products(extract: Extract, fetch_seq: int) -> dict[str, _Product]:
    rows = extract.rows
    products = {}
    for code, (drug, *_) in rows[s.DRUG].items():
        holders = [
            c["COMPANY_NAME"] for c in rows[s.COMPANY].get(code, []) if c["COMPANY_TYPE"] == s.HOLDER_TYPE
        ]
        products[code] = _Product(
            code=code,
            drug=drug,
            ingredients=rows[s.INGREDIENT].get(code, []),
            statuses=rows[s.STATUS].get(code, []),
            atc_codes=[t["TC_ATC_NUMBER"] for t in rows[s.THERAPEUTIC_CLASS].get(code, [])],
            holder=clean_text(holders[0]) if holders else None,
            variant=extract.variant,
            fetch_seq=fetch_seq * 1_000_000 + int(code) % 1_000_000,
        )
    return products


def _is_cgt(product: _Product) -> bool:
    """The detection rule of settings: an L01XL ATC code, or an ingredient with a CGT INN stem."""
    return any(atc.startswith(s.CGT_ATC_PREFIXES) for atc in product.atc_codes) or any(
        s.CGT_INN_STEM.search(i["INGREDIENT"].upper()) for i in product.ingredients
    )


def _substance(product: _Product) -> str | None:
    names = sorted({clean_text(i["INGREDIENT"]) or "" for i in product.ingredients} - {""})
    return " + ".join(names) or None


def _groups(products: Iterable[_Product]) -> list[list[_Product]]:
    """Drug codes of one product (same brand, same ingredients), lowest code first; groups in code order."""
    grouped: dict[tuple[str, str | None], list[_Product]] = {}
    for product in sorted(products, key=lambda p: int(p.code)):
        brand = (clean_text(product.drug["BRAND_NAME"]) or "").upper()
        grouped.setdefault((brand, _substance(product)), []).append(product)
    return list(grouped.values())


def _record(group: list[_Product]) -> AgencyRecord:
    first = group[0]
    approved = sorted(
        date
        for product in group
        for status in product.statuses
        if status["STATUS"] == s.APPROVED_STATUS
        and (date := iso_date(status["HISTORY_DATE"], s.DATE_FORMATS)) is not None
    )
    current = _current_status(group)
    status = _approval_status(current[0]) if current else "unknown"
    dins = sorted({p.drug["DRUG_IDENTIFICATION_NUMBER"] for p in group})
    extracts = sorted({s.VARIANT_LABELS[p.variant] for p in group})
    note = (
        f"DPD drug codes {', '.join(p.code for p in group)}; current status "
        f"{current[0] if current else 'none'}{f' since {current[1]}' if current else ''}; "
        f"extract: {', '.join(extracts)}"
    )
    return AgencyRecord(
        record_id=f"healthcanada:{first.code}",
        agency="HC",
        outcome=APPROVED,
        status=status,
        brand_name=clean_text(first.drug["BRAND_NAME"]),
        active_substance=_substance(first),
        common_name=None,
        holder=first.holder,
        decision_date=approved[0] if approved else None,  # the first APPROVED of any of its DINs
        status_date=current[1] if current and status != "authorised" else None,
        approval_type=None,
        indication=None,
        agency_record_no=", ".join(dins),
        source_kind="fetched",
        source_url=s.zip_url(first.variant),
        note=note,
    )


def _approval_status(dpd_status: str) -> str:
    """DPD's status as ours; any cancellation (DPD adds reasons in brackets) ends the authorisation."""
    if dpd_status in s.APPROVAL_STATUSES:
        return s.APPROVAL_STATUSES[dpd_status]
    return "withdrawn" if dpd_status.startswith(s.CANCELLED_PREFIX) else dpd_status


def _current_status(group: list[_Product]) -> tuple[str, str | None] | None:
    """The most favourable current status across the group's DINs: a product is authorised while
    any of its DINs is; the date is that status's history date."""
    current = [
        (st["STATUS"], iso_date(st["HISTORY_DATE"], s.DATE_FORMATS))
        for product in group
        for st in product.statuses
        if st["CURRENT_STATUS_FLAG"] == "Y"
    ]
    if not current:
        return None
    rank = list(s.APPROVAL_STATUSES)
    return min(current, key=lambda c: (rank.index(c[0]) if c[0] in rank else len(rank), c[1] or ""))


def _rejected(entity_key: str | None, codes: set[str], problems: list[str]) -> RejectedRecord:
    return RejectedRecord(
        entity_key=entity_key,
        check_name="record:unreadable",
        failure_value="; ".join(problems)[:300],
        record=json.dumps({"drug_codes": sorted(codes), "problems": problems}),
    )
