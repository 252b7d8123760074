"""The data dictionary, docs/data-contract.md, generated from where each table is defined.

A column's meaning lives next to the code that makes the column, so it changes with it:
- tables a source loads: the pandera model (schemas/*.py) that validates them; the class docstring's first
  paragraph is the grain, each Field's `description` the meaning, TABLE_KEYS the key;
- every other table and view: a header comment in the SQL that creates it (a model file under
  warehouse/models/, the CREATE TABLE of warehouse/ddl/, or the SQL constant that loads a seed), in one
  format: prose starting with the grain, then `Columns:` and one `  name: meaning` line per column
  (continued on lines indented further; `  a, b: meaning` for several; `  *: as in <table>` gives every
  column not listed the meaning it has in that table).
Names and types come from the warehouse itself: an empty one is built in memory with the project's own DDL
and models, so a column nobody documented, or a documented one that no longer exists, is found.
The narrative (conventions, mappings, formulas) and the order of tables are in
docs/templates/data-contract.md.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cgt_atlas.settings import MODELS_DIR, WAREHOUSE_DIR

ROOT = WAREHOUSE_DIR.parent
TEMPLATE = ROOT / "docs" / "templates" / "data-contract.md"
OUTPUT = ROOT / "docs" / "data-contract.md"
COMMAND = "cgt-atlas docs data-contract"

LOADER_COLUMNS = {
    "run_id": "the refresh that last wrote the row (`pipeline_runs.run_id`); added by the loader",
    "source": "the source module that loaded the row (`ctgov`, `euctr`, `ctis`, `ictrp`); "
    "`where source = 'ctgov'` gives the ClinicalTrials.gov pull alone; added by the loader",
}
"""Columns the loader adds to every table a source loads (warehouse/load.py, merge_run), not the parser."""
STAGING_ONLY_COLUMNS = {"fetch_seq"}
"""Columns of a pandera model that the loader leaves out of the warehouse."""

_TABLES_MARK = re.compile(r"^<!-- tables: (.+) -->$")
_COLUMN_LINE = re.compile(r"^  ([\w*]+(?:, \w+)*): (.*)$")
_CREATE = re.compile(r"CREATE (?:OR REPLACE )?TABLE (?:IF NOT EXISTS )?(\w+)", re.IGNORECASE)


@dataclass
class TableDoc:
    """What the dictionary says of one table or view."""

    name: str
    prose: list[str]
    """The header's prose lines; the first paragraph is the grain."""
    defined_in: str
    columns: dict[str, str] = field(default_factory=dict)
    key: tuple[str, ...] = ()
    model_class: str = ""
    """The pandera model, for a table a source loads."""
    same_as: str | None = None
    """Columns not listed take their meaning from this table (`*: as in <table>`)."""

    @property
    def grain(self) -> str:
        paragraph = []
        for line in self.prose:
            if not line.strip():
                break
            paragraph.append(line.strip())
        return " ".join(paragraph).removeprefix("Grain: ")


def parse_header(lines: list[str]) -> tuple[list[str], dict[str, str], str | None]:
    """Split comment lines ("-- " removed) into prose, column meanings and the `*: as in` table."""
    prose: list[str] = []
    columns: dict[str, str] = {}
    same_as = None
    names: list[str] = []
    in_columns = False
    for line in lines:
        if line.strip() == "Columns:":
            in_columns = True
            continue
        if not in_columns:
            prose.append(line)
            continue
        found = _COLUMN_LINE.match(line)
        if found:
            names = found.group(1).split(", ")
            meaning = found.group(2).strip()
            if names == ["*"]:
                same_as = meaning.removeprefix("as in ").strip("`")
                names = []
            for name in names:
                columns[name] = meaning
        elif line.startswith("    ") and names:
            for name in names:
                columns[name] += " " + line.strip()
        elif line.strip():
            raise ValueError(f"not a column line under Columns: {line!r}")
    while prose and not prose[-1].strip():
        prose.pop()
    return prose, columns, same_as


def _comment_lines(block: list[str]) -> list[str]:
    return [line[3:] if line.startswith("-- ") else line[2:] for line in block]


def sql_headers(sql: str, defined_in: str) -> list[TableDoc]:
    """Every CREATE TABLE in sql whose comment block right above it carries a Columns: list."""
    docs = []
    lines = sql.splitlines()
    for index, line in enumerate(lines):
        created = _CREATE.search(line)
        if not created:
            continue
        start = index
        while start > 0 and lines[start - 1].startswith("--"):
            start -= 1
        block = _comment_lines(lines[start:index])
        if any(text.strip() == "Columns:" for text in block):
            prose, columns, same_as = parse_header(block)
            docs.append(TableDoc(created.group(1), prose, defined_in, columns, same_as=same_as))
    return docs


def model_header(path: Path) -> TableDoc:
    """A model's documentation: the comment lines its file starts with."""
    block = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        block.append(line)
    prose, columns, same_as = parse_header(_comment_lines(block))
    return TableDoc(path.stem, prose, _relative(path), columns, same_as=same_as)


def _relative(path: Path) -> str:
    return str(path.resolve().relative_to(ROOT.resolve()))


def pandera_docs() -> list[TableDoc]:
    """Tables a source loads, from the pandera models that validate them."""
    import schemas

    docs = []
    for name, model in schemas.TABLE_MODELS.items():
        schema = model.to_schema()
        columns = {
            column: (spec.description or "")
            for column, spec in schema.columns.items()
            if column not in STAGING_ONLY_COLUMNS
        }
        docstring = inspect.cleandoc(vars(model).get("__doc__") or "")
        where = _relative(Path(inspect.getfile(model)))
        docs.append(
            TableDoc(
                name,
                docstring.splitlines(),
                where,
                columns,
                key=schemas.TABLE_KEYS[name],
                model_class=model.__name__,
            )
        )
    return docs


def seeded_docs() -> list[TableDoc]:
    """Tables the load makes from seeds and rule files, documented in the SQL that creates them."""
    from warehouse import classifier, load

    docs = []
    for module, sql in (
        (load, load.COUNTRIES_SQL),
        (classifier, classifier.CLASSIFIER_RULES_HEADER),
        (classifier, classifier.CELL_SOURCE_DEFAULTS_SQL),
    ):
        docs.extend(sql_headers(sql, _relative(Path(inspect.getfile(module)))))
    return docs


def table_docs() -> list[TableDoc]:
    """Every documented table and view, wherever it is documented."""
    docs = pandera_docs() + seeded_docs()
    for path in sorted((WAREHOUSE_DIR / "ddl").glob("*.sql")):
        docs.extend(sql_headers(path.read_text(encoding="utf-8"), _relative(path)))
    for folder in ("staging", "marts"):
        docs.extend(model_header(path) for path in sorted((MODELS_DIR / folder).glob("*.sql")))
    return docs


def empty_warehouse_columns() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Every relation of a warehouse built empty in memory: its kind and its (column, type) pairs."""
    from warehouse.load import build_models, ensure_schema

    con = duckdb.connect()
    try:
        ensure_schema(con)
        build_models(con)
        kinds = dict(
            con.sql(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        )
        relations: dict[str, tuple[str, list[tuple[str, str]]]] = {
            name: ("view" if kind == "VIEW" else "table", []) for name, kind in kinds.items()
        }
        for table, column, data_type in con.sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall():
            relations[table][1].append((column, data_type))
        return relations
    finally:
        con.close()


def _meaning(doc: TableDoc, column: str, by_name: dict[str, TableDoc]) -> str:
    meaning = doc.columns.get(column, "")
    if not meaning and column in LOADER_COLUMNS and doc.key:  # a table a source loads
        meaning = LOADER_COLUMNS[column]
    seen = {doc.name}
    while not meaning and doc.same_as in by_name and doc.same_as not in seen:
        doc = by_name[doc.same_as]
        seen.add(doc.name)
        meaning = doc.columns.get(column, "") or (LOADER_COLUMNS.get(column, "") if doc.key else "")
    return meaning


def template_tables(template: str) -> list[str]:
    """The tables the template places, in its order."""
    names = []
    for line in template.splitlines():
        found = _TABLES_MARK.match(line.strip())
        if found:
            names.extend(found.group(1).split())
    return names


def problems(
    docs: list[TableDoc],
    relations: dict[str, tuple[str, list[tuple[str, str]]]],
    template: str,
) -> list[str]:
    """What keeps the dictionary from being complete and true, one line each (empty: none)."""
    found = []
    by_name: dict[str, TableDoc] = {}
    for doc in docs:
        if doc.name in by_name:
            found.append(f"{doc.name}: documented twice ({by_name[doc.name].defined_in}, {doc.defined_in})")
        by_name[doc.name] = doc
    placed = template_tables(template)
    for name in sorted(set(relations) - set(by_name)):
        found.append(f"{name}: no documentation (a pandera model, or a header comment with Columns:)")
    for name in sorted(set(by_name) - set(relations)):
        found.append(f"{name}: documented in {by_name[name].defined_in} but not in the warehouse")
    for name in sorted(set(relations) - set(placed)):
        found.append(f"{name}: not placed in {_relative(TEMPLATE)} (add it to a <!-- tables: ... --> line)")
    for name in sorted({n for n in placed if placed.count(n) > 1}):
        found.append(f"{name}: placed twice in {_relative(TEMPLATE)}")
    for name in sorted(set(placed) - set(relations)):
        found.append(f"{name}: placed in {_relative(TEMPLATE)} but not in the warehouse")
    for name, (_, columns) in sorted(relations.items()):
        doc = by_name.get(name)
        if doc is None:
            continue
        if not doc.grain:
            found.append(f"{name}: no grain (the first paragraph of {doc.defined_in}'s header)")
        if doc.same_as and doc.same_as not in by_name:
            found.append(f"{name}: `*: as in {doc.same_as}` names no documented table")
        existing = [column for column, _ in columns]
        for column in existing:
            if not _meaning(doc, column, by_name):
                found.append(f"{name}.{column}: no meaning in {doc.defined_in}")
        for column in doc.columns:
            if column not in existing:
                found.append(f"{name}.{column}: documented in {doc.defined_in} but not in the warehouse")
    return found


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _prose(lines: list[str]) -> list[str]:
    """Header prose as Markdown: paragraphs joined, indented lines as list items."""
    out: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if not text:
            out.append("")
        elif indent >= 2 and out and out[-1].startswith("- ") and indent > 2:
            out[-1] += " " + text
        elif indent >= 2:
            if out and out[-1] and not out[-1].startswith("- "):
                out.append("")  # Markdown starts a list only after a blank line
            out.append("- " + text)
        elif out and out[-1] and not out[-1].startswith("- "):
            out[-1] += " " + text
        else:
            if out and out[-1].startswith("- "):
                out.append("")  # else the line would continue the last item
            out.append(text)
    return out


def render_table(
    doc: TableDoc, kind: str, columns: list[tuple[str, str]], by_name: dict[str, TableDoc]
) -> str:
    prose = _prose(doc.prose)
    if prose:
        prose[0] = prose[0].removeprefix("Grain: ")
        prose[0] = prose[0][:1].upper() + prose[0][1:]
    key = f" Key: {', '.join(f'`{k}`' for k in doc.key)}." if doc.key else ""
    model = f" (`{doc.model_class}`)" if doc.model_class else ""
    lines = [f"### `{doc.name}`", "", f"*{kind}, defined in `{doc.defined_in}`{model}.*{key}", ""]
    lines += [*prose, ""] if prose else []
    lines += ["| column | type | meaning |", "|---|---|---|"]
    lines += [
        f"| {name} | {data_type} | {_cell(_meaning(doc, name, by_name))} |" for name, data_type in columns
    ]
    return "\n".join(lines)


def generate() -> str:
    """The text of docs/data-contract.md; raises ValueError naming every gap."""
    template = TEMPLATE.read_text(encoding="utf-8")
    docs = table_docs()
    relations = empty_warehouse_columns()
    found = problems(docs, relations, template)
    if found:
        raise ValueError("the data dictionary is incomplete:\n  - " + "\n  - ".join(found))
    by_name = {doc.name: doc for doc in docs}
    out = []
    for line in template.splitlines():
        mark = _TABLES_MARK.match(line.strip())
        if mark:
            out.append(
                "\n\n".join(
                    render_table(by_name[name], *relations[name], by_name) for name in mark.group(1).split()
                )
            )
        else:
            out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Write each relation's grain and each column's meaning into the warehouse as DuckDB comments.

    Analysts then see them where they query (`duckdb_columns()`, `duckdb_tables()`, `duckdb_views()`). Run
    by the load inside its transaction, after the models are rebuilt (CREATE OR REPLACE drops a model's
    comments); about 0.4 s for the whole warehouse. A relation the dictionary does not know keeps no comment.
    """
    docs = table_docs()
    by_name = {doc.name: doc for doc in docs}
    kinds = con.sql(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main'"
    ).fetchall()
    for name, kind in kinds:
        if name in by_name:
            what = "VIEW" if kind == "VIEW" else "TABLE"
            con.execute(f"COMMENT ON {what} {name} IS {_literal(by_name[name].grain)}")
    for table, column in con.sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main'"
    ).fetchall():
        if table in by_name:
            meaning = _meaning(by_name[table], column, by_name)
            con.execute(f'COMMENT ON COLUMN {table}."{column}" IS {_literal(meaning)}')
