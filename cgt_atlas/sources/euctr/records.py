"""Split EUCTR full-text downloads into coded lines, the form the parse SQL reads.

The text has no grammar beyond "<code> <label>: <value>" with continuation lines, so this
small tokenizer keeps every line with its record, code, block and language and does no
mapping: what each code means is decided in sql/. Codes are read by prefix, never by exact
label text (labels carry tabs, trailing blanks and national-language copies).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.sources.base import RejectedRecord

RECORD_START = "Summary"
CODE = re.compile(r"^(?P<code>[A-P]\.(?:\d+(?:\.\d+)*)?)[ \t]+(?P<rest>.*)$")
IMP = re.compile(r"^D\.IMP:\s*(?P<no>\d+)\s*$")
SPONSOR = re.compile(r"^Sponsor\s+(?P<no>\d+)\s*$")
LANGUAGE = re.compile(r"\s*\((?P<lang>[a-z]{2})\)\s*$")
FILE_SEQ_SPAN = 1_000_000  # fetch_seq = file_seq * span + record position in the file
EUDRACT = re.compile(r"\d{4}-\d{6}-\d{2}")
REQUIRED_SECTIONS = ("A", "B", "D", "E", "F", "N", "P")
"""Sections every record of the register's full text carries (every record of the genuine
samples, of 2013-2023, has them; P, End of Trial, closes each record). A record without one
was cut short or damaged: loading it would blank its titles, sponsors or member states."""
BAD_CHARACTER = re.compile(r"[\udc80-\udcff\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Undecodable bytes (kept as lone surrogates) or control characters: the line is damaged."""

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


@dataclass
class RecordCheck:
    """What one record of a page holds, to tell a whole record from a damaged one."""

    first_line: int
    eudract_number: str | None = None
    sections: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    bad_lines: dict[str, list[int]] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


def read_lines(path: Path, file_seq: int) -> list[tuple]:
    """Every coded line of one downloaded page, continuation lines folded into their value."""
    return read_page(path, file_seq)[0]


def read_page(path: Path, file_seq: int) -> tuple[list[tuple], dict[int, RecordCheck]]:
    """The page's coded lines, and per record (by record_seq) what it holds and what is wrong."""
    rows: list[list] = []
    records: dict[int, RecordCheck] = {}
    record_seq = 0
    sponsor_no = imp_no = 1
    support_no = 0
    open_value: list | None = None  # the last row whose value continuation lines extend
    # surrogateescape: a byte that is not UTF-8 damages its record, not the whole file.
    text = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.strip() == RECORD_START:
            record_seq += 1
            records[record_seq] = RecordCheck(first_line=line_no)
            sponsor_no = imp_no = 1
            support_no = 0
            open_value = None
            continue
        if record_seq == 0:
            continue  # the download's header text
        record = records[record_seq]
        record.text.append(line)
        if BAD_CHARACTER.search(line):
            kind = "bytes that are not UTF-8" if re.search("[\udc80-\udcff]", line) else "a control character"
            record.bad_lines.setdefault(kind, []).append(line_no)
            open_value = None
            continue
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
            record.sections.add(code[0])
        label, value = _split_label(rest.replace("\t", " "))
        if code in ("SUMMARY", "A.2") and record.eudract_number is None and value:
            found = EUDRACT.search(value) if label.startswith(("EudraCT", "EudraCT number")) else None
            record.eudract_number = found[0] if found else None
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
    if text.strip() and not records:
        raise PageStructureChanged(
            f"EUCTR page {path} holds no record: no line '{RECORD_START}' starts one (a full-text "
            "download of the register starts each trial record with it)"
        )
    for record in records.values():
        for kind, numbers in record.bad_lines.items():
            where = (
                f"line {numbers[0]} holds"
                if len(numbers) == 1
                else (f"{len(numbers)} lines (first: line {numbers[0]}) hold")
            )
            record.problems.append(f"{where} {kind}")
        missing = [section for section in REQUIRED_SECTIONS if section not in record.sections]
        if missing:
            record.problems.append(f"sections {', '.join(missing)} missing (cut short or damaged)")
        if record.eudract_number is None:
            record.problems.append("no EudraCT number in its summary or A.2")
    return [tuple(row) for row in rows], records


def _in_coded_part(rows: list[list], record_seq: int) -> bool:
    """True once the current record has reached its coded part (after the summary lines)."""
    return bool(rows) and rows[-1][1] == record_seq and rows[-1][3] != "SUMMARY"


def lines_frame(pages: list[Path]) -> tuple[pl.DataFrame, list[RejectedRecord]]:
    """Coded lines of the whole trials, and the trials quarantined with their damaged records.

    A trial is every record carrying its EudraCT number (one per member state); when one of them
    is damaged the whole trial waits in quarantine, since a partial trial would load with a
    member state, sponsor or title missing and overwrite the whole one already loaded.
    """
    rows: list[tuple] = []
    records: list[tuple[Path, int, int, RecordCheck]] = []
    for file_seq, page in enumerate(pages, start=1):
        page_rows, page_records = read_page(page, file_seq)
        rows.extend(page_rows)
        records.extend((page, file_seq, seq, record) for seq, record in page_records.items())
    damaged: dict[str | None, list[tuple[Path, int, RecordCheck]]] = {}
    for page, _, seq, record in records:
        if record.problems:
            damaged.setdefault(record.eudract_number, []).append((page, seq, record))
    bad_trials = {number for number in damaged if number is not None}
    dropped = [
        (file_seq, seq)
        for _, file_seq, seq, record in records
        if record.problems or record.eudract_number in bad_trials
    ]
    frame = pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row")
    if dropped:
        drop = pl.DataFrame(dropped, schema={"file_seq": pl.Int64, "record_seq": pl.Int64}, orient="row")
        frame = frame.join(drop, on=["file_seq", "record_seq"], how="anti")
    return frame, [_rejected(number, found) for number, found in damaged.items()]


def _rejected(eudract_number: str | None, found: list[tuple[Path, int, RecordCheck]]) -> RejectedRecord:
    problems = "; ".join(
        f"{page.name} record {seq} (line {record.first_line}): {', '.join(record.problems)}"
        for page, seq, record in found
    )
    check = "record:undecodable_text" if found[0][2].bad_lines else "record:incomplete"
    text = "\n".join(line for _, _, record in found for line in record.text)
    return RejectedRecord(
        entity_key=eudract_number,
        check_name=check,
        failure_value=_printable(problems)[:500],
        record=json.dumps({"eudract_number": eudract_number, "text": _printable(text)}),
    )


def _printable(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
