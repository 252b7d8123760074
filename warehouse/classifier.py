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
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cgt_atlas.settings import WAREHOUSE_DIR

RULES_DIR = WAREHOUSE_DIR / "rules"
RULES_FILE = RULES_DIR / "modality_rules.csv"
PRODUCTS_FILE = RULES_DIR / "products.csv"
CLASSIFY_SQL = RULES_DIR / "classify.sql"
CELL_SOURCE_DEFAULTS_FILE = RULES_DIR / "cell_source_defaults.csv"
# 'either': the record says the cells may be the patient's own or a donor's ("autologous or allogeneic").
CELL_SOURCES = ("autologous", "allogeneic", "either", "in vivo", "not applicable")
KINDS = ("modality", "target", "cell_source", "role")
# Helper kinds, not labels: `mask` removes disease names that name a cell type ("T-cell lymphoma",
# "plasmacytoid dendritic cell neoplasm") before the modality scan; `context` says a short text names
# an administration ("infusion", "transplantation", "therapy"), which a rule read as `intervention`
# needs to count in a title.
HELPER_KINDS = ("mask", "context")
# `intervention`: read in intervention texts only; `intervention+context`: there, and in titles only beside a
# `context` word.
FIELDS = ("text", "intervention", "intervention+context", "summary", "text+summary", "flags")
COLUMNS = ("rule_id", "kind", "field", "pattern", "label", "cell_source", "delivery", "note")
PRODUCT_COLUMNS = (
    "product_id",
    "aliases",
    "name",
    "modality",
    "target",
    "cell_source",
    "delivery",
    "source_url",
)

MODALITIES = (
    "CAR-T",
    "CAR-NK and other CAR cells",
    "in vivo CAR",
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

# Labels a brief summary may make more specific (never a specific label: a TCR-T trial's summary that
# mentions CAR-T stays TCR-T). "not CGT" included: a product known by a code is named only there.
CATCH_ALL_MODALITIES = (
    "non-genetically-modified cell therapy",
    "other gene-modified cell therapy",
    "other viral-vector gene therapy",
    "unclassified CGT",
    "not CGT",
)
# cgt_role labels a role rule may give; a CGT record no role rule fires on is 'investigational'.
ROLES = ("investigational", "follow-up", "population")
# Modalities whose records carry a target antigen (an engineered receptor: CAR or TCR).
TARGETED_MODALITIES = ("CAR-T", "CAR-NK and other CAR cells", "in vivo CAR", "TCR-T")
# A target named in a summary counts only beside CAR wording ("CD19 CAR-T", "CAR T cells targeting
# B7-H3"): summaries also name the antigens of earlier treatments ("after anti-CD20 antibodies").
SUMMARY_TARGET_CONTEXT = (
    r"(?:{targets})[^.|]{{0,15}}?(?:\bcar\b|\bcar[- ]?t|chimeric)"
    r"|(?:\bcar|chimeric antigen receptor)[^.|]{{0,40}}?"
    r"(?:target\w*|against|direct\w*|specific|recogni\w*)[^.|]{{0,20}}?(?:{targets})"
)


@dataclass(frozen=True)
class Rules:
    version: str
    rows: list[dict[str, str]]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(
        csv.DictReader(
            line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
        )
    )


def product_rules(path: Path = PRODUCTS_FILE) -> list[dict[str, str]]:
    """Rules made from the named-product table: a product's code names its modality, target and source.

    They rank above every pattern rule: a named product is the strongest evidence a record gives.
    """
    rules: list[dict[str, str]] = []
    for number, product in enumerate(_csv_rows(path), start=1):
        if tuple(product) != PRODUCT_COLUMNS or None in product.values():
            raise ValueError(
                f"{path}: product {number} does not have the columns {', '.join(PRODUCT_COLUMNS)}"
            )
        if not product["source_url"].startswith("https://"):
            raise ValueError(f"{path}: product {product['product_id']} has no https source_url")
        if product["cell_source"] not in (*CELL_SOURCES, ""):
            raise ValueError(
                f"{path}: product {product['product_id']}: unknown cell_source {product['cell_source']!r}"
            )
        aliases = [
            re.escape(alias.strip().lower()) for alias in product["aliases"].split("|") if alias.strip()
        ]
        pattern = r"\b(?:" + "|".join(aliases) + r")\b"
        rule = {"field": "text+summary", "pattern": pattern, "cell_source": "", "delivery": ""}
        note = f"{product['name']} ({product['source_url']})"
        rules.append(
            rule
            | {
                "rule_id": f"product_{product['product_id']}",
                "kind": "modality",
                "label": product["modality"],
                "cell_source": product["cell_source"],
                "delivery": product["delivery"],
                "note": note,
            }
        )
        for target in filter(None, product["target"].split("+")):
            rule_id = f"product_{product['product_id']}_target_{target.lower()}"
            rules.append(rule | {"rule_id": rule_id, "kind": "target", "label": target, "note": note})
        if product["cell_source"] in ("autologous", "allogeneic"):
            rule_id = f"product_{product['product_id']}_source"
            rules.append(
                rule
                | {"rule_id": rule_id, "kind": "cell_source", "label": product["cell_source"], "note": note}
            )
    return [{column: rule[column] for column in COLUMNS} for rule in rules]


def read_rules(path: Path = RULES_FILE, products_path: Path | None = PRODUCTS_FILE) -> Rules:
    """The product rules, then the pattern rules in file order (their priority), and the version.

    The version is the `# version:` line of the pattern rules; it covers the product table too.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    version = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("# version:")), None)
    if not version:
        raise ValueError(f"{path}: no '# version: ...' line")
    rows = (product_rules(products_path) if products_path else []) + _csv_rows(path)
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if tuple(row) != COLUMNS or None in row.values():
            raise ValueError(f"{path}: rule {number} does not have the columns {', '.join(COLUMNS)}")
        if row["field"] not in FIELDS:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown field {row['field']!r}")
        if row["kind"] not in KINDS + HELPER_KINDS:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown kind {row['kind']!r}")
        if row["kind"] == "cell_source" and row["label"] not in (*CELL_SOURCES[:3], "ignore"):
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown cell source {row['label']!r}")
        if row["kind"] == "role" and row["label"] not in ROLES:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown role {row['label']!r}")
        if row["kind"] == "modality" and row["label"] not in MODALITIES:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown modality {row['label']!r}")
        if row["cell_source"] and row["cell_source"] not in CELL_SOURCES:
            raise ValueError(f"{path}: rule {row['rule_id']}: unknown cell_source {row['cell_source']!r}")
        if row["rule_id"] in seen:
            raise ValueError(f"{path}: rule id {row['rule_id']} appears twice")
        seen.add(row["rule_id"])
    return Rules(version=version, rows=rows)


def read_cell_source_defaults(path: Path = CELL_SOURCE_DEFAULTS_FILE) -> list[dict[str, str]]:
    """The documented default cell source per modality (used only when no text or product says it)."""
    rows = _csv_rows(path)
    for row in rows:
        if tuple(row) != ("modality", "cell_source", "reason") or None in row.values():
            raise ValueError(f"{path}: every row needs modality, cell_source and reason")
        if row["modality"] not in MODALITIES or row["cell_source"] not in CELL_SOURCES:
            raise ValueError(f"{path}: unknown modality or cell_source in {row}")
    return rows


CELL_SOURCE_DEFAULTS_SQL = """
-- Grain: one row per modality that has a documented default cell source (key: modality), from
-- warehouse/rules/cell_source_defaults.csv, installed with the rules.
-- Columns:
--   modality: a modality label (docs/classifier.md)
--   cell_source: the cell source a trial of that modality gets when no text or named product says it
--   reason: why that is the default (shown as `cell_source_evidence`)
CREATE OR REPLACE TABLE cell_source_defaults
    (modality VARCHAR PRIMARY KEY, cell_source VARCHAR, reason VARCHAR)
"""


def install_cell_source_defaults(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(CELL_SOURCE_DEFAULTS_SQL)
    con.executemany(
        "INSERT INTO cell_source_defaults VALUES (?, ?, ?)",
        [[row["modality"], row["cell_source"], row["reason"]] for row in read_cell_source_defaults()],
    )


def _summary_alternation(rules: Rules, kind: str) -> str:
    """One alternation of the rules of a kind that read summaries, context spans kept within one sentence."""
    return "|".join(
        f"(?:{row['pattern'].replace('[^|]', '[^|.]')})"
        for row in rules.rows
        if row["kind"] == kind and row["field"] in ("summary", "text+summary")
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


CLASSIFIER_RULES_HEADER = """
-- Grain: one row per classifier rule (key: rule_id), from warehouse/rules/modality_rules.csv and
-- products.csv, rebuilt on every load. Method and labels: docs/classifier.md.
-- Columns:
--   rule_id: the rule's id (`product_<id>...` for the rules made from the named-product table, which rank
--     first)
--   kind: `modality`, `target`, `cell_source` or `role` (label = `cgt_role`, read from titles only); `mask`
--     (disease names removed before the modality scan) and `context` (the administration words) are helper
--     rows that label nothing
--   field: which inputs the rule reads: `text`, `summary`, `text+summary`, `flags`, `intervention`
--     (intervention texts only) or `intervention+context` (intervention texts, and titles that name an
--     administration)
--   pattern: the RE2 pattern, matched against lower-cased text
--   label: what the rule assigns (a modality, an antigen, a cell source, a role)
--   cell_source: the cell source a modality rule implies, if any
--   delivery: `ex vivo` or `in vivo`, when the rule implies one
--   note: why the rule exists; for product rules, the product's name and public source
--   rule_order: priority (file order; the first rule that fires wins)
--   rules_version: the version line of modality_rules.csv
CREATE OR REPLACE TABLE classifier_rules
"""


def install_classifier(con: duckdb.DuckDBPyConnection, rules: Rules | None = None) -> None:
    """Create classifier_rules, the hit-finding macros and the classify_items() table macro."""
    rules = rules or read_rules()
    con.execute(
        CLASSIFIER_RULES_HEADER.strip()
        + " ("
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
        short = [row for row in patterns if row["field"] != "summary"]
        combined = "|".join(f"(?:{row['pattern']})" for row in short)
        con.execute(
            f"CREATE OR REPLACE MACRO {kind}_rule_hits(t) AS regexp_extract_all(t, {_literal(combined)})"
        )
        tests = ", ".join(
            f"CASE WHEN regexp_matches(hit, {_literal(row['pattern'])}) THEN {_literal(row['rule_id'])} END"
            for row in patterns
        )
        cases.append(f"WHEN {_literal(kind)} THEN list_filter([{tests}], lambda x: x IS NOT NULL)")
    con.execute(f"CREATE OR REPLACE MACRO rules_matching(kind, hit) AS CASE kind {' '.join(cases)} END")
    # Summaries: only the rules that read them, context spans kept within one sentence.
    summary_modality = _summary_alternation(rules, "modality")
    targets = "|".join(
        f"(?:{row['pattern']})"
        for row in rules.rows
        if row["kind"] == "target" and row["field"] in ("summary", "text+summary")
    )
    summary_target = SUMMARY_TARGET_CONTEXT.format(targets=targets)
    con.execute(
        "CREATE OR REPLACE MACRO summary_modality_rule_hits(t) AS "
        f"regexp_extract_all(t, {_literal(summary_modality or '$^')})"
    )
    con.execute(
        "CREATE OR REPLACE MACRO summary_target_rule_hits(t) AS "
        f"regexp_extract_all(t, {_literal(summary_target if targets else '$^')})"
    )
    for kind in ("cell_source", "role"):
        con.execute(
            f"CREATE OR REPLACE MACRO summary_{kind}_rule_hits(t) AS "
            f"regexp_extract_all(t, {_literal(_summary_alternation(rules, kind) or '$^')})"
        )
    install_cell_source_defaults(con)
    masks = "|".join(f"(?:{row['pattern']})" for row in rules.rows if row["kind"] == "mask")
    con.execute(
        "CREATE OR REPLACE MACRO mask_for_modality(t) AS "
        + (f"regexp_replace(t, {_literal(masks)}, ' ', 'g')" if masks else "t")
    )
    contexts = "|".join(f"(?:{row['pattern']})" for row in rules.rows if row["kind"] == "context")
    con.execute(
        f"CREATE OR REPLACE MACRO names_administration(t) AS regexp_matches(t, {_literal(contexts or '$^')})"
    )
    catch_all = ", ".join(_literal(label) for label in CATCH_ALL_MODALITIES)
    con.execute(f"CREATE OR REPLACE MACRO is_catch_all_modality(label) AS label IN ({catch_all})")
    car_family = ", ".join(_literal(label) for label in TARGETED_MODALITIES)
    con.execute(f"CREATE OR REPLACE MACRO is_car_family_modality(label) AS label IN ({car_family})")
    con.execute(CLASSIFY_SQL.read_text(encoding="utf-8"))
