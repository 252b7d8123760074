"""Split EUCTR full-text downloads into coded lines, the form the parse SQL reads.

The text has no grammar beyond "<code> <label>: <value>" with continuation lines, so this
small tokenizer keeps every line with its record, code, block and language and does no
mapping: what each code means is decided in sql/. Codes are read by prefix, never by exact
label text (labels carry tabs, trailing blanks and national-language copies).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

RECORD_START = "Summary"
CODE = re.compile(r"^(?P<code>[A-P]\.(?:\d+(?:\.\d+)*)?)[ \t]+(?P<rest>.*)$")
IMP = re.compile(r"^D\.IMP:\s*(?P<no>\d+)\s*$")
SPONSOR = re.compile(r"^Sponsor\s+(?P<no>\d+)\s*$")
LANGUAGE = re.compile(r"\s*\((?P<lang>[a-z]{2})\)\s*$")
FILE_SEQ_SPAN = 1_000_000  # fetch_seq = file_seq * span + record position in the file

LINE_SCHEMA = {
    "file_seq": pl.Int64,
    "record_seq": pl.Int64,
    "line_no": pl.Int64,
    "code": pl.Utf8,
    "label": pl.Utf8,
    "lang": pl.Utf8,
    "block_no": pl.Int64,
    "value": pl.Utf8,
}


def _split_label(rest: str) -> tuple[str, str | None]:
    """Label and value: the value follows the first ': ' (or a ':' closing the line)."""
    head, sep, tail = rest.partition(": ")
    if sep:
        return head, tail.strip()
    if rest.rstrip().endswith(":"):
        return rest.rstrip()[:-1], ""
    return rest.strip(), None


def read_lines(path: Path, file_seq: int) -> list[tuple]:
    """Every coded line of one downloaded page, continuation lines folded into their value."""
    rows: list[list] = []
    record_seq = 0
    sponsor_no = imp_no = 1
    support_no = 0
    open_value: list | None = None  # the last row whose value continuation lines extend
    for line_no, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.rstrip()
        if line.strip() == RECORD_START:
            record_seq += 1
            sponsor_no = imp_no = 1
            support_no = 0
            open_value = None
            continue
        if record_seq == 0:
            continue  # the download's header text
        if not line.strip():
            open_value = None if open_value is None or open_value[-1] else open_value
            continue
        if match := IMP.match(line):
            imp_no, open_value = int(match["no"]), None
            continue
        if match := SPONSOR.match(line):
            sponsor_no, open_value = int(match["no"]), None
            continue
        match = CODE.match(line)
        if match is None and ":" in line and not _in_coded_part(rows, record_seq):
            code, rest = "SUMMARY", line
        elif match is None:
            if open_value is not None:
                open_value[-1] = f"{open_value[-1]}\n{line.strip()}" if open_value[-1] else line.strip()
            continue
        else:
            code, rest = match["code"], match["rest"]
        label, value = _split_label(rest.replace("\t", " "))
        lang_match = LANGUAGE.search(label)
        lang = lang_match["lang"] if lang_match else None
        if lang_match:
            label = label[: lang_match.start()]
        if code.startswith("B.4."):
            support_no += code == "B.4.1"
            block_no: int | None = max(support_no, 1)
        elif code.startswith("B."):
            block_no = sponsor_no
        elif code.startswith("D."):
            block_no = imp_no
        else:
            block_no = None
        row = [file_seq, record_seq, line_no, code, label.strip(), lang, block_no, value]
        rows.append(row)
        open_value = row if value is not None else None
    return [tuple(row) for row in rows]


def _in_coded_part(rows: list[list], record_seq: int) -> bool:
    """True once the current record has reached its coded part (after the summary lines)."""
    return bool(rows) and rows[-1][1] == record_seq and rows[-1][3] != "SUMMARY"


def lines_frame(pages: list[Path]) -> pl.DataFrame:
    rows = [row for file_seq, page in enumerate(pages, start=1) for row in read_lines(page, file_seq)]
    return pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row")
