"""Measure the modality classifier against genuine labels and a hand-labelled set.

Four label sources: the hand-labelled set (warehouse/classifier_eval.csv: trial and product
texts with the expected modality and a reason each, including the INN stems of approved
products); EMA's medicines report, whose advanced-therapy flag labels every human medicine
CGT or not (the replay keeps only the ATMP rows, so the genuine report is read in full); the
genuine ClinicalTrials.gov records in ../shared/samples/ctgov, mostly not CGT and with their
summaries, each labelled by hand in warehouse/classifier_eval_genuine.csv (precision on trials
that are not CGT); and, given a warehouse, the replay's CAR-T set and EUCTR's ATIMP flags.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cgt_atlas.settings import MODELS_DIR, WAREHOUSE_DIR, shared_dir
from warehouse.classifier import install_classifier
from warehouse.load import connect_reader

HAND_LABELLED = WAREHOUSE_DIR / "classifier_eval.csv"
GENUINE_LABELLED = WAREHOUSE_DIR / "classifier_eval_genuine.csv"
CELL_SOURCE_LABELLED = WAREHOUSE_DIR / "classifier_eval_cell_source.csv"
DEFAULT_EMA_REPORT_DIR = shared_dir() / "samples" / "ema"
DEFAULT_CTGOV_SAMPLES_DIR = shared_dir() / "samples" / "ctgov"
CLASSIFIER_INPUT_SQL = MODELS_DIR / "staging" / "stg_trial_classifier_input.sql"


@dataclass
class Scores:
    """Per-class counts; precision and recall follow from them."""

    true_positive: Counter = field(default_factory=Counter)
    false_positive: Counter = field(default_factory=Counter)
    false_negative: Counter = field(default_factory=Counter)
    support: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, item_id: str, expected: str, predicted: str, evidence: str | None = None) -> None:
        self.support[expected] += 1
        if expected == predicted:
            self.true_positive[expected] += 1
        else:
            self.false_negative[expected] += 1
            self.false_positive[predicted] += 1
            self.errors.append((item_id, expected, predicted, evidence or ""))

    def rows(self) -> list[tuple[str, int, int, float | None, float | None]]:
        labels = sorted(set(self.support) | set(self.false_positive))
        out = []
        for label in labels:
            tp, fp, fn = self.true_positive[label], self.false_positive[label], self.false_negative[label]
            precision = tp / (tp + fp) if tp + fp else None
            recall = tp / (tp + fn) if tp + fn else None
            out.append((label, self.support[label], tp + fp, precision, recall))
        return out

    def precision(self, label: str) -> float | None:
        return next((row[3] for row in self.rows() if row[0] == label), None)

    def recall(self, label: str) -> float | None:
        return next((row[4] for row in self.rows() if row[0] == label), None)


def classify_texts(items: list[tuple[str, str]]) -> dict[str, dict]:
    """Classify (item_id, text) pairs, each text read as an intervention, with the warehouse's rules."""
    return classify_fields([(item_id, "intervention", text) for item_id, text in items])


def classify_fields(rows: list[tuple[str, str, str]]) -> dict[str, dict]:
    """Classify (item_id, field, text) rows, as the staging view feeds them, in an in-memory DuckDB."""
    con = duckdb.connect()
    try:
        install_classifier(con)
        con.execute("CREATE TEMP TABLE eval_input (item_id VARCHAR, field VARCHAR, text VARCHAR)")
        con.executemany("INSERT INTO eval_input VALUES (?, ?, ?)", rows)
        relation = con.sql("SELECT * FROM classify_items('eval_input')")
        columns = relation.columns
        return {row[0]: dict(zip(columns, row, strict=True)) for row in relation.fetchall()}
    finally:
        con.close()


def hand_labelled(path: Path = HAND_LABELLED) -> tuple[Scores, Scores]:
    """(modality scores, target scores) on the hand-labelled set."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    results = classify_texts([(row["item_id"], row["text"]) for row in rows])
    modality, target = Scores(), Scores()
    for row in rows:
        got = results[row["item_id"]]
        modality.add(row["item_id"], row["expected_modality"], got["modality"], got["modality_evidence"])
        if row["expected_target"]:
            target.add(row["item_id"], row["expected_target"], got["target"] or "none")
    return modality, target


def ema_report(report_dir: Path = DEFAULT_EMA_REPORT_DIR) -> Scores:
    """CGT vs not CGT on every human medicine of EMA's report, against its advanced-therapy flag."""
    from cgt_atlas.sources.ema import settings as s
    from cgt_atlas.sources.ema.helpers import report_rows

    reports = sorted(report_dir.glob("*.xlsx"))
    if not reports:
        raise FileNotFoundError(f"no EMA report (*.xlsx) in {report_dir}")
    items, truth = [], {}
    for row in report_rows(reports[-1]):
        if str(row[s.CATEGORY] or "").strip() != "Human":
            continue
        item_id = str(row[s.PRODUCT_NUMBER] or row[s.NAME])
        text = " | ".join(str(row[c]) for c in (s.NAME, s.ACTIVE_SUBSTANCE, s.INN) if row[c])
        items.append((item_id, text))
        truth[item_id] = str(row[s.ADVANCED_THERAPY] or "").strip() == "Yes"
    results = classify_texts(items)
    scores = Scores()
    for item_id, is_atmp in truth.items():
        got = results[item_id]
        scores.add(
            item_id,
            "CGT" if is_atmp else "not CGT",
            "CGT" if got["is_cgt"] else "not CGT",
            got["modality_evidence"],
        )
    return scores


def ctgov_v2_inputs(files: list[Path]) -> list[tuple[str, str, str]]:
    """Classifier input rows for API v2 records, through the pipeline's own parser and staging view."""
    from cgt_atlas.sources import ctgov
    from warehouse.load import ensure_schema

    con = duckdb.connect()
    try:
        ensure_schema(con)
        parsed = ctgov.parse(con, files)
        for table in ("trials", "trial_interventions", "trial_conditions"):
            con.register("parsed", parsed.tables[table])
            con.execute(f"INSERT INTO {table} BY NAME SELECT DISTINCT * EXCLUDE (fetch_seq) FROM parsed")
            con.unregister("parsed")
        query = CLASSIFIER_INPUT_SQL.read_text(encoding="utf-8")
        return con.sql(f"SELECT DISTINCT item_id, field, text FROM ({query})").fetchall()
    finally:
        con.close()


def ctgov_classic_inputs(files: list[Path]) -> list[tuple[str, str, str]]:
    """Classifier input rows for the retired classic API's full studies (gzipped FullStudiesResponse).

    The pipeline has no parser for a retired API; these are the fields the staging view reads,
    found at their classic names: intervention name | description | other names, keywords, brief
    and official titles, conditions, brief summary.
    """
    rows: list[tuple[str, str, str]] = []
    for path in files:
        body = json.loads(gzip.decompress(path.read_bytes()))
        for study in body["FullStudiesResponse"]["FullStudies"]:
            protocol = study["Study"]["ProtocolSection"]
            ident = protocol["IdentificationModule"]
            trial_id = ident["NCTId"]
            conditions = protocol.get("ConditionsModule", {})
            for intervention in (
                protocol.get("ArmsInterventionsModule", {})
                .get("InterventionList", {})
                .get("Intervention", [])
            ):
                parts = [intervention.get("InterventionName"), intervention.get("InterventionDescription")]
                parts += intervention.get("InterventionOtherNameList", {}).get("InterventionOtherName", [])
                rows.append((trial_id, "intervention", " | ".join(p for p in parts if p)))
            texts = {
                "keywords": " | ".join(conditions.get("KeywordList", {}).get("Keyword", [])),
                "title": ident.get("BriefTitle"),
                "official_title": ident.get("OfficialTitle"),
                "conditions": " | ".join(conditions.get("ConditionList", {}).get("Condition", [])),
                "summary": protocol.get("DescriptionModule", {}).get("BriefSummary"),
            }
            rows.extend((trial_id, field_name, text) for field_name, text in texts.items() if text)
    return rows


def genuine_labels(path: Path = GENUINE_LABELLED) -> dict[str, str]:
    """trial_id -> expected modality, for the genuine records labelled by hand (each row gives a reason)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["trial_id"]: row["expected_modality"] for row in csv.DictReader(handle)}


def score_cgt_and_modality(
    results: dict[str, tuple[str, bool, str | None]], labels: dict[str, str]
) -> tuple[Scores, Scores]:
    """(CGT vs not CGT, modality) for item_id -> (modality, is_cgt, evidence) against labels."""
    cgt, modality = Scores(), Scores()
    for item_id, (got_modality, is_cgt, evidence) in sorted(results.items()):
        expected = labels[item_id]
        cgt.add(
            item_id, "not CGT" if expected == "not CGT" else "CGT", "CGT" if is_cgt else "not CGT", evidence
        )
        modality.add(item_id, expected, got_modality, evidence)
    return cgt, modality


def genuine_ctgov(
    samples_dir: Path = DEFAULT_CTGOV_SAMPLES_DIR, labels_path: Path = GENUINE_LABELLED
) -> tuple[Scores, Scores]:
    """(CGT vs not CGT, modality) on the genuine ClinicalTrials.gov samples, against hand labels."""
    v2 = sorted([*samples_dir.glob("v2_search/*.json"), *samples_dir.glob("v2_study/*.json")])
    classic = sorted(samples_dir.glob("classic_api/*full_studies*.json.gz"))
    if not v2 and not classic:
        raise FileNotFoundError(f"no ClinicalTrials.gov samples in {samples_dir}")
    results = classify_fields(ctgov_v2_inputs(v2) + ctgov_classic_inputs(classic))
    labels = genuine_labels(labels_path)
    unlabelled = sorted(set(results) - set(labels))
    if unlabelled:
        raise ValueError(
            f"{labels_path.name} has no label for {len(unlabelled)} sample trials: {unlabelled[:5]}"
        )
    return score_cgt_and_modality(
        {item: (got["modality"], got["is_cgt"], got["modality_evidence"]) for item, got in results.items()},
        labels,
    )


def warehouse_figures(db_path: Path) -> dict[str, object]:
    """On a warehouse built from the replay: the ClinicalTrials.gov CAR-T set and EUCTR's ATIMP flags."""
    con = connect_reader(db_path)
    try:
        total, car_t, car_any, with_target = con.sql(
            """
            SELECT count(*), count(*) FILTER (WHERE modality = 'CAR-T'),
                count(*) FILTER (WHERE modality IN ('CAR-T', 'CAR-NK and other CAR cells', 'in vivo CAR')),
                count(*) FILTER (WHERE modality = 'CAR-T' AND target IS NOT NULL)
            FROM trial_classification JOIN trials USING (trial_id)
            WHERE trials.source = 'ctgov'
            """
        ).fetchall()[0]
        mix = con.sql(
            """
            SELECT modality, count(*) FROM trial_classification JOIN trials USING (trial_id)
            WHERE trials.source = 'ctgov' GROUP BY modality ORDER BY count(*) DESC
            """
        ).fetchall()
        labels = genuine_labels()
        labelled = {
            trial_id: (modality_label, is_cgt, evidence)
            for trial_id, modality_label, is_cgt, evidence in con.sql(
                "SELECT trial_id, modality, is_cgt, modality_evidence FROM trial_classification"
                " JOIN trials USING (trial_id) WHERE trials.source <> 'ctgov'"
            ).fetchall()
            if trial_id in labels
        }
        source_and_role = cell_source_and_role(con)
        atimp = con.sql(
            """
            SELECT flags.trial_id, bool_or(flags.is_atimp), any_value(classes.is_cgt)
            FROM trial_atimp_flags AS flags JOIN trial_classification AS classes USING (trial_id)
            GROUP BY flags.trial_id
            """
        ).fetchall()
    finally:
        con.close()
    return {
        "ctgov_trials": total,
        "car_t": car_t,
        "car_t_share": car_t / total if total else None,
        "car_any_share": car_any / total if total else None,
        "car_t_with_target_share": with_target / car_t if car_t else None,
        "ctgov_modality_mix": mix,
        "euctr_atimp_agreement": [(trial, flag, cgt) for trial, flag, cgt in atimp],
        "genuine_registry_records": score_cgt_and_modality(labelled, labels),
        "cell_source_and_role": source_and_role,
    }


def cell_source_and_role(
    con: duckdb.DuckDBPyConnection, path: Path = CELL_SOURCE_LABELLED
) -> tuple[Scores, Scores]:
    """Cell source and cgt_role against hand labels of 220 replay CAR trials (a reader's, not the rules').

    Trials the reader marked 'unclear' (no cell source can be told from the record) are left out of the
    cell-source score; the reader's 'default' labels follow the same convention as the classifier's defaults.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        expected = {row["trial_id"]: row for row in csv.DictReader(handle)}
    predicted = {
        trial_id: (cell_source, basis, role, evidence)
        for trial_id, cell_source, basis, role, evidence in con.execute(
            "SELECT trial_id, cell_source, cell_source_basis, cgt_role, cell_source_evidence"
            " FROM trial_classification"
        ).fetchall()
    }
    source, role = Scores(), Scores()
    for trial_id, row in sorted(expected.items()):
        if trial_id not in predicted:
            continue
        cell_source, basis, cgt_role, evidence = predicted[trial_id]
        if row["cell_source"] != "unclear":
            source.add(trial_id, row["cell_source"], cell_source or "not CGT", f"{basis}: {evidence}")
        role.add(trial_id, row["cgt_role"], cgt_role or "not CGT", row["reason"])
    return source, role


def report(
    db_path: Path | None = None,
    ema_dir: Path = DEFAULT_EMA_REPORT_DIR,
    ctgov_dir: Path = DEFAULT_CTGOV_SAMPLES_DIR,
) -> str:
    """The evaluation as printable text."""
    lines: list[str] = []

    def table(title: str, scores: Scores) -> None:
        lines.append(f"\n{title}")
        lines.append(f"  {'class':46} {'support':>7} {'predicted':>9} {'precision':>9} {'recall':>7}")
        for label, support, predicted, precision, recall in scores.rows():
            p = f"{precision:.3f}" if precision is not None else "-"
            r = f"{recall:.3f}" if recall is not None else "-"
            lines.append(f"  {label:46} {support:7} {predicted:9} {p:>9} {r:>7}")
        for item_id, expected, predicted, evidence in scores.errors[:15]:
            lines.append(f"    miss {item_id}: expected {expected}, got {predicted} ({evidence})")

    modality, target = hand_labelled()
    table("Hand-labelled set (warehouse/classifier_eval.csv): modality", modality)
    table("Hand-labelled set: target antigen", target)
    if ema_dir.exists() and any(ema_dir.glob("*.xlsx")):
        table(
            "EMA medicines report, every human medicine: advanced-therapy flag vs is_cgt", ema_report(ema_dir)
        )
    else:
        lines.append(f"\nEMA report: none in {ema_dir}, skipped")
    if ctgov_dir.exists():
        cgt, modality_genuine = genuine_ctgov(ctgov_dir)
        table("Genuine ClinicalTrials.gov samples, hand-labelled (with summaries): CGT vs not CGT", cgt)
        table("Genuine ClinicalTrials.gov samples: modality", modality_genuine)
    else:
        lines.append(f"\nClinicalTrials.gov samples: none in {ctgov_dir}, skipped")
    if db_path is not None:
        figures = warehouse_figures(db_path)
        lines.append("\nWarehouse (ClinicalTrials.gov CAR-T set of the replay)")
        lines.append(
            f"  trials: {figures['ctgov_trials']}, classified CAR-T: {figures['car_t']}"
            f" ({figures['car_t_share']:.1%}); CAR-T or other CAR cells: {figures['car_any_share']:.1%};"
            f" CAR-T with a target: {figures['car_t_with_target_share']:.1%}"
        )
        for modality_label, count in figures["ctgov_modality_mix"]:
            lines.append(f"    {modality_label:46} {count}")
        lines.append(f"  EUCTR ATIMP flag vs is_cgt: {figures['euctr_atimp_agreement']}")
        registry_cgt, registry_modality = figures["genuine_registry_records"]
        table("Warehouse: genuine EUCTR, CTIS and ICTRP records, hand-labelled: CGT vs not CGT", registry_cgt)
        table("Warehouse: genuine EUCTR, CTIS and ICTRP records: modality", registry_modality)
        source, role = figures["cell_source_and_role"]
        table(
            f"Warehouse: cell source vs hand labels of replay CAR trials ({CELL_SOURCE_LABELLED.name})",
            source,
        )
        table("Warehouse: cgt_role vs the same hand labels", role)
    return "\n".join(lines).lstrip("\n")
