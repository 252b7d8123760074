"""Damage done to copies of the genuine replay files, for the fault-matrix tests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import shared_path
from helpers import scalar

from cgt_atlas.sources.base import TRIAL_TABLES

EUCTR_TABLES = (*TRIAL_TABLES, "euctr_member_states", "trial_atimp_flags")


LOADED_RUNS = "(SELECT * FROM pipeline_runs WHERE status LIKE 'succeeded%')"
"""pipeline_runs as far as the data goes: a failed source adds a row saying so (and nothing else)."""


def digest(db: Path, tables: tuple[str, ...] = EUCTR_TABLES, *, runs: bool = True) -> dict[str, object]:
    """Every row of the tables (run lineage aside), summed up: equal digests, equal contents. Of
    pipeline_runs only the runs that loaded count: a failed run's record is the one change it makes
    (runs=False leaves pipeline_runs out, where another source of the same run loads)."""
    tables = (*tables, "quarantine", *(("pipeline_runs",) if runs else ()))
    return {
        table: scalar(
            db,
            "SELECT (count(*), bit_xor(hash(COLUMNS(* EXCLUDE (run_id))))) FROM "
            + (LOADED_RUNS if table == "pipeline_runs" else table),
        )
        for table in tables
    }


def failure_recorded(db: Path, source: str) -> tuple[str, str, str]:
    """The newest pipeline_runs record of `source`: (status, error, next_step) of a failed run."""
    return scalar(
        db,
        f"SELECT (status, error, next_step) FROM pipeline_runs WHERE source = '{source}' "
        "ORDER BY finished_at DESC LIMIT 1",
    )


def damaged_copy(tmp_path: Path, source: str, damage: Callable[[Path], None]) -> Path:
    """DIR/<source>/ holding a copy of the genuine replay folder, with damage done to it."""
    root = tmp_path / "damaged"
    shutil.copytree(shared_path("replay", source), root / source)
    damage(root / source)
    return root


def edit_study(position: int, edit: Callable[[dict], None], raw: Callable[[bytes], bytes] | None = None):
    def damage(folder: Path) -> None:
        page = folder / "page-0002.json"
        body = json.loads(page.read_bytes())
        edit(body["studies"][position])
        text = json.dumps(body, ensure_ascii=False).encode()
        page.write_bytes(raw(text) if raw else text)

    return damage


def set_field(path: str, value: object) -> Callable[[dict], None]:
    def edit(study: dict) -> None:
        *parents, leaf = path.split(".")
        node = study["protocolSection"]
        for name in parents:
            node = node[name]
        node[leaf] = value

    return edit


def drop_on_page(module: str, field: str | None = None) -> Callable[[Path], None]:
    """Remove a module (or one field of it) from every study of page 2: 1,000 studies change."""

    def damage(folder: Path) -> None:
        page = folder / "page-0002.json"
        body = json.loads(page.read_bytes())
        for study in body["studies"]:
            section = study["protocolSection"]
            if field is None:
                section.pop(module, None)
            else:
                section.get(module, {}).pop(field, None)
        page.write_bytes(json.dumps(body).encode())

    return damage
