"""Study by study, for pages DuckDB refuses whole: quarantine the studies that break a page.

DuckDB reads a page in one go, so one study with a number field holding text, invalid UTF-8
or a raw control character fails the page and, with it, the run. This pass finds those
studies and rewrites the page without them; each becomes a quarantined record with its reason,
and the others load. It runs only for pages that need it, so clean data pays nothing.
A page that is not JSON at all (cut short mid-body) cannot be split into studies: that stays
a page-level error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.sources.base import RejectedRecord

NUL_ESCAPE = b"\\u0000"
"""An escaped NUL parses, but no registry text holds one: such a study is damaged too."""


@cache
def study_type(protocol_type: str) -> duckdb.DuckDBPyType:
    """The typed shape studies.sql reads a study with, as DuckDB sees it."""
    return duckdb.sql(f"SELECT NULL::STRUCT(protocolSection {protocol_type}, hasResults BOOLEAN)").types[0]


def needs_check(page: Path) -> bool:
    """Cheap byte-level test for the damage DuckDB reads without complaint (escaped NULs)."""
    return NUL_ESCAPE in page.read_bytes()


def clean_pages(
    pages: list[Path], protocol_type: str, work_dir: Path
) -> tuple[list[Path], list[RejectedRecord]]:
    """Each page as DuckDB can read it, plus the studies taken out of it and why."""
    shape = study_type(protocol_type)
    cleaned: list[Path] = []
    rejected: list[RejectedRecord] = []
    for number, page in enumerate(pages, start=1):
        body = _load(page)
        studies, rebuild = _studies(body, page)
        kept = []
        for study in studies:
            problem = _study_problem(study, shape)
            if problem is None:
                kept.append(study)
            else:
                rejected.append(_rejected(study, *problem))
        target = work_dir / f"{number:05d}-{page.name}"
        target.write_text(json.dumps(rebuild(kept), ensure_ascii=False), encoding="utf-8")
        cleaned.append(target)
    return cleaned, rejected


def _load(page: Path) -> Any:
    raw = page.read_bytes()
    # surrogateescape keeps undecodable bytes visible (as lone surrogates) for the study check.
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as error:
        raise DamagedPage(
            f"ClinicalTrials.gov page {page} is not valid JSON ({error.msg}; byte {error.pos} of "
            f"{len(raw)}): the body was cut short or damaged, so its studies cannot be told apart"
        ) from error


def _studies(body: Any, page: Path) -> tuple[list[Any], Any]:
    """The studies of a page (or a single-study body) and how to rebuild the body around a subset."""
    if isinstance(body, dict) and isinstance(body.get("studies"), list):
        return body["studies"], lambda kept: {**body, "studies": kept}
    if isinstance(body, dict) and "protocolSection" in body:
        return [body], lambda kept: kept[0] if kept else {"studies": []}
    found = type(body.get("studies")).__name__ if isinstance(body, dict) else type(body).__name__
    raise PageStructureChanged(
        f"ClinicalTrials.gov page {page} is neither a PagedStudies object with a 'studies' list "
        f"nor one study (found {found})"
    )


def _study_problem(study: Any, shape: duckdb.DuckDBPyType) -> tuple[str, str] | None:
    """(check_name, failure_value) for the first thing that keeps DuckDB from reading the study."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        return "protocolSection:missing", "the study has no protocolSection object"
    for path, value, expected in _leaves(study, shape, ""):
        if isinstance(value, str):
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                return "record:invalid_utf8", f"{path}: {_escaped(value)[:200]}"
            if "\x00" in value or any(ord(ch) < 0x20 and ch not in "\t\n\r" for ch in value):
                return "record:control_character", f"{path}: {_escaped(value)[:200]}"
        if expected is not None and not _fits(value, expected):
            return "record:wrong_type", f"{path}: {_escaped(value)[:200]} is not {expected}"
    return None


def _leaves(
    value: Any, shape: duckdb.DuckDBPyType | None, path: str
) -> Iterator[tuple[str, Any, str | None]]:
    """Every scalar of the study with its JSON path and, where studies.sql types it, its type."""
    kind = shape.id if shape is not None else None
    if isinstance(value, dict):
        fields = dict(shape.children) if kind == "struct" else {}
        if kind not in (None, "struct", "varchar"):
            yield path, value, str(shape)
            return
        for key, item in value.items():
            yield from _leaves(item, fields.get(key), f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        if kind not in (None, "list", "varchar"):
            yield path, value, str(shape)
            return
        child = shape.child if kind == "list" else None
        for index, item in enumerate(value):
            yield from _leaves(item, child, f"{path}[{index}]")
    elif value is not None:
        yield path, value, (str(shape) if kind in ("bigint", "integer", "double", "boolean") else None)


def _fits(value: Any, expected: str) -> bool:
    """Whether DuckDB's JSON reader casts value to the expected scalar type."""
    if expected == "BOOLEAN":
        return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        number = float(value)
    except ValueError:
        return False
    return expected == "DOUBLE" or number.is_integer()


def _escaped(value: Any) -> str:
    """Text safe to store: undecodable bytes shown as \\xNN, control characters escaped."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
    return json.dumps(text, ensure_ascii=True)[1:-1] if any(ord(c) < 0x20 for c in text) else text


def _rejected(study: Any, check_name: str, failure_value: str) -> RejectedRecord:
    nct_id = None
    if isinstance(study, dict):
        identification = (study.get("protocolSection") or {}).get("identificationModule") or {}
        found = identification.get("nctId") if isinstance(identification, dict) else None
        nct_id = _escaped(found) if isinstance(found, str) else None
    record = json.dumps(study, ensure_ascii=True, default=str)
    record = record.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
    return RejectedRecord(
        entity_key=nct_id, check_name=check_name, failure_value=failure_value, record=record
    )
