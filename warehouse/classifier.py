"""The CGT modality classifier: rules kept as data (warehouse/rules/modality_rules.csv), run in DuckDB.

Each rule's pattern is an RE2 regex. Evaluating every rule against every text would cost one regex
scan per rule per record; instead one alternation of all the rules of a kind finds the matching
stretches ("hits") in a single scan, and only the distinct hits, a few hundred strings however
many records there are, are then tested rule by rule to learn which rules fired. Patterns must be
constants for DuckDB to compile them once, so the rules are installed as macros with the patterns
inlined, from the CSV, every time the schema is ensured.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cgt_atlas.settings import WAREHOUSE_DIR

RULES_DIR = WAREHOUSE_DIR / "rules"
RULES_FILE = RULES_DIR / "modality_rules.csv"
CLASSIFY_SQL = RULES_DIR / "classify.sql"
KINDS = ("modality", "target", "cell_source")
CONTEXT_GROUP_SIZE = 5
COLUMNS = ("rule_id", "kind", "field", "pattern", "label", "cell_source", "delivery", "note")

MODALITIES = (
    "CAR-T",
    "CAR-NK and other CAR cells",
    "TCR-T",
    "TIL",
    "other gene-modified cell therapy",
    "AAV gene therapy",
    "lentiviral or retroviral ex vivo gene therapy",
    "other viral-vector gene therapy",
    "oncolytic virus",
    "gene editing",
    "non-viral gene therapy",
    "non-genetically-modified cell therapy",
    "tissue-engineered product",
    "unclassified CGT",
    "not CGT",
)


@dataclass(frozen=True)
class Rules:
    version: str
    rows: list[dict[str, str]]


def read_rules(path: Path = RULES_FILE) -> Rules:
    """The rules in file order (their priority) and the version from the `# version:` line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    version = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("# version:")), None)
    if not version:
        raise ValueError(f"{path}: no '# version: ...' line")
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if tuple(row) != COLUMNS or None in row.values():
            raise ValueError(f"{path}: rule {number} does not have the columns {', '.join(COLUMNS)}")
        if row["kind"] not in KINDS:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown kind {row['kind']!r}")
        if row["kind"] == "modality" and row["label"] not in MODALITIES:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown modality {row['label']!r}")
        if row["rule_id"] in seen:
            raise ValueError(f"{path}: rule id {row['rule_id']} appears twice")
        seen.add(row["rule_id"])
    return Rules(version=version, rows=rows)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _scan_groups(patterns: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Rules in groups, each scanned as one alternation. Plain keyword rules share one group; rules
    with a context span ([^|]*?) go in groups of at most five: one alternation of all of them
    outgrows RE2's DFA memory and falls back to a ten-times slower matcher."""
    plain = [row for row in patterns if "[^|]" not in row["pattern"]]
    spans = [row for row in patterns if "[^|]" in row["pattern"]]
    groups = [plain] if plain else []
    groups += [spans[i : i + CONTEXT_GROUP_SIZE] for i in range(0, len(spans), CONTEXT_GROUP_SIZE)]
    return groups


def install_classifier(con: duckdb.DuckDBPyConnection, rules: Rules | None = None) -> None:
    """Create classifier_rules, the hit-finding macros and the classify_items() table macro."""
    rules = rules or read_rules()
    con.execute(
        "CREATE OR REPLACE TABLE classifier_rules ("
        + ", ".join(f"{c} VARCHAR" for c in COLUMNS)
        + ", rule_order INTEGER, rules_version VARCHAR)"
    )
    con.executemany(
        "INSERT INTO classifier_rules VALUES (" + ", ".join("?" * (len(COLUMNS) + 2)) + ")",
        [
            [row[c] or None for c in COLUMNS] + [order, rules.version]
            for order, row in enumerate(rules.rows, 1)
        ],
    )
    cases = []
    for kind in KINDS:
        patterns = [row for row in rules.rows if row["kind"] == kind]
        combined = "|".join(f"(?:{row['pattern']})" for row in patterns)
        con.execute(
            f"CREATE OR REPLACE MACRO {kind}_rule_hits(t) AS regexp_extract_all(t, {_literal(combined)})"
        )
        tests = ", ".join(
            f"CASE WHEN regexp_matches(hit, {_literal(row['pattern'])}) THEN {_literal(row['rule_id'])} END"
            for row in patterns
        )
        cases.append(f"WHEN {_literal(kind)} THEN list_filter([{tests}], lambda x: x IS NOT NULL)")
    con.execute(f"CREATE OR REPLACE MACRO rules_matching(kind, hit) AS CASE kind {' '.join(cases)} END")
    con.execute(CLASSIFY_SQL.read_text(encoding="utf-8"))
