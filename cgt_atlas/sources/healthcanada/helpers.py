"""Reading the DPD zips: members found by name stem, rows checked against their layout, bad rows set aside."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.sources.healthcanada import settings as s

Row = dict[str, str]


@dataclass
class Extract:
    """One zip's rows of the members we read, by drug code, and the drug codes with an unreadable row."""

    variant: str
    rows: dict[str, dict[str, list[Row]]] = field(default_factory=dict)  # member -> drug code -> rows
    unreadable: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    """Drug code -> (member stem, what is wrong), one per row that could not be read."""


def read_extract(path: Path) -> Extract:
    """A DPD zip's required members; raises naming the file when the zip or a member's layout is wrong."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise DamagedPage(f"Health Canada extract {path} is not a readable zip ({error})") from error
    with archive:
        members = _members_by_stem(path, archive)
        variants = {variant for variant, _ in members.values()}
        if len(variants) != 1:
            raise PageStructureChanged(
                f"{path.name}: members of several extracts mixed in one zip: {variants}"
            )
        missing = [stem for stem in s.LAYOUTS if stem not in members]
        if missing:
            found = ", ".join(sorted(name for _, name in members.values()))
            raise PageStructureChanged(
                f"{path.name}: no member {', '.join(stem + '.txt' for stem in missing)} "
                f"(members found: {found or 'none'})"
            )
        extract = Extract(variant=variants.pop())
        for stem, layout in s.LAYOUTS.items():
            name = members[stem][1]
            try:
                body = archive.read(name)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
                raise DamagedPage(f"{path.name}: member {name} cannot be read ({error})") from error
            extract.rows[stem] = _member_rows(path, stem, name, body, layout, extract.unreadable)
    return extract


def _members_by_stem(path: Path, archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    members: dict[str, tuple[str, str]] = {}
    for name in archive.namelist():
        match = s.MEMBER_NAME.match(Path(name).name)
        if match:
            members[match["stem"].lower()] = ((match["variant"] or "").lower(), name)
    return members


def _member_rows(
    path: Path,
    stem: str,
    name: str,
    body: bytes,
    layout: tuple[str, ...],
    unreadable: dict[str, list[tuple[str, str]]],
) -> dict[str, list[Row]]:
    """Rows keyed by drug code. A layout change shows on the first row and fails the member; a single
    row of the wrong width or with undecodable bytes marks its drug code unreadable instead."""
    text = body.decode("utf-8", errors="surrogateescape")
    by_code: dict[str, list[Row]] = defaultdict(list)
    for line_no, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if line_no == 1 and len(values) != len(layout):
            raise PageStructureChanged(
                f"{path.name}: member {name} has {len(values)} columns, not the {len(layout)} of its "
                f"layout ({', '.join(layout[:4])}, ...)"
            )
        code = values[0].strip() if values else ""
        if not values or not any(v.strip() for v in values):
            continue
        problem = _row_problem(values, layout)
        if problem or not code.isdigit():
            unreadable[code].append(
                (stem, f"{name} line {line_no}: {problem or 'drug code is not a number'}")
            )
            continue
        by_code[code].append(dict(zip(layout, values, strict=True)))
    return by_code


def _row_problem(values: list[str], layout: tuple[str, ...]) -> str | None:
    if len(values) != len(layout):
        return f"{len(values)} columns, not {len(layout)}"
    if any(_has_bad_bytes(v) for v in values):
        return "bytes that are not UTF-8"
    return None


def _has_bad_bytes(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)
