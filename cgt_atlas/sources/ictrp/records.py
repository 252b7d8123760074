"""Read ICTRP XML exports safely (defusedxml: no entity expansion, no external entities)
into one row per <Trial>, every element kept as trimmed text; the mapping is in sql/."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from defusedxml.ElementTree import iterparse

from cgt_atlas.errors import DamagedPage, PageStructureChanged

ROOT = "Trials_downloaded_from_ICTRP"
FIELDS = (
    "Export_date", "Internal_Number", "TrialID", "Last_Refreshed_on", "Public_title", "Scientific_title",
    "Acronym", "Primary_sponsor", "Retrospective_flag", "Date_registration3", "Date_registration",
    "Source_Register", "web_address", "Recruitment_Status", "other_records", "Date_enrollement",
    "Target_size", "Study_type", "Phase", "Countries", "Condition", "Intervention", "Secondary_ID",
    "Source_Support", "Contact_Affiliation",
)  # fmt: skip
FILE_SEQ_SPAN = 1_000_000  # fetch_seq = file_seq * span + position of the trial in the file


def _text(value: str | None) -> str | None:
    """Values are padded with a newline and spaces before the closing tag; empty means absent."""
    if value is None:
        return None
    return value.strip() or None


def read_trials(path: Path, file_seq: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    root_seen = False
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            if not root_seen:
                if element.tag != ROOT:
                    raise PageStructureChanged(f"{path.name}: root element is <{element.tag}>, not <{ROOT}>")
                root_seen = True
            if event == "end" and element.tag == "Trial":
                row: dict[str, object] = {name: _text(element.findtext(name)) for name in FIELDS}
                row["file_seq"] = file_seq
                row["position"] = len(rows) + 1
                rows.append(row)
                element.clear()
    except PageStructureChanged:
        raise
    except Exception as error:  # ParseError, or defusedxml refusing entities / DTDs
        raise DamagedPage(
            f"{path} is not a readable ICTRP XML export (cut short, not UTF-8, or holding entities "
            f"or a DTD, which are refused): {error}"
        ) from error
    if not rows:
        raise PageStructureChanged(
            f"{path} holds no <Trial> element: an export with no trials loads nothing (remove it from the "
            "folder, or export the search again)"
        )
    return rows


def trials_frame(pages: list[Path]) -> pl.DataFrame:
    rows = [row for file_seq, page in enumerate(pages, start=1) for row in read_trials(page, file_seq)]
    schema = {name: pl.Utf8 for name in FIELDS} | {"file_seq": pl.Int64, "position": pl.Int64}
    return pl.DataFrame(rows, schema=schema)
