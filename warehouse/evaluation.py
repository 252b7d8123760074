"""Measure the modality classifier against genuine labels and a hand-labelled set.

Three label sources: the hand-labelled set (warehouse/classifier_eval.csv: trial and product
texts with the expected modality and a reason each, including the INN stems of approved
products); EMA's medicines report, whose advanced-therapy flag labels every human medicine
CGT or not (the replay keeps only the ATMP rows, so the genuine report is read in full); and,
given a warehouse, ClinicalTrials.gov's CAR-T set of the replay and EUCTR's ATIMP flags.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cgt_atlas.settings import PROJECT_ROOT, WAREHOUSE_DIR
from warehouse.classifier import install_classifier

HAND_LABELLED = WAREHOUSE_DIR / "classifier_eval.csv"
DEFAULT_EMA_REPORT_DIR = PROJECT_ROOT.parent / "shared" / "samples" / "ema"


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
    """Classify (item_id, text) pairs with the warehouse's rules, in an in-memory DuckDB."""
    con = duckdb.connect()
    try:
        install_classifier(con)
        con.execute("CREATE TEMP TABLE eval_input (item_id VARCHAR, field VARCHAR, text VARCHAR)")
        con.executemany("INSERT INTO eval_input VALUES (?, 'intervention', ?)", items)
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


def warehouse_figures(db_path: Path) -> dict[str, object]:
    """On a warehouse built from the replay: the ClinicalTrials.gov CAR-T set and EUCTR's ATIMP flags."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        total, car_t, car_any, with_target = con.sql(
            """
            SELECT count(*), count(*) FILTER (WHERE modality = 'CAR-T'),
                count(*) FILTER (WHERE modality IN ('CAR-T', 'CAR-NK and other CAR cells')),
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
    }


def report(db_path: Path | None = None, ema_dir: Path = DEFAULT_EMA_REPORT_DIR) -> str:
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
    return "\n".join(lines).lstrip("\n")
