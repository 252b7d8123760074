"""Measure the modality classifier against genuine labels and a hand-labelled set.

Five label sources: the hand-labelled set (warehouse/classifier_eval.csv: trial and product
texts with the expected modality and a reason each, including the INN stems of approved
products); EMA's medicines report, whose advanced-therapy flag labels every human medicine
CGT or not (the replay keeps only the ATMP rows, so the genuine report is read in full); the
genuine ClinicalTrials.gov records in ../shared/samples/ctgov, mostly not CGT and with their
summaries, each labelled by hand in warehouse/classifier_eval_genuine.csv (precision on trials
that are not CGT); the classic website's CSV download for "mesenchymal stem OR stromal" in
../shared/samples/ctgov/classic_csv (MSC and other cell therapies, exosome and secretome look-alikes),
labelled by hand in warehouse/classifier_eval_msc.csv and split by NCT number into `tune` and `holdout`;
and, given a warehouse, the replay's CAR-T set and EUCTR's ATIMP flags.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
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
MSC_LABELLED = WAREHOUSE_DIR / "classifier_eval_msc.csv"
EMA_ADJUDICATED = WAREHOUSE_DIR / "classifier_eval_ema_adjudicated.csv"
REPLAY_RESIDUE = WAREHOUSE_DIR / "classifier_eval_replay_residue.csv"
DEFAULT_EMA_REPORT_DIR = shared_dir() / "samples" / "ema"
DEFAULT_CTGOV_SAMPLES_DIR = shared_dir() / "samples" / "ctgov"
DEFAULT_CTGOV_CLASSIC_CSV_DIR = DEFAULT_CTGOV_SAMPLES_DIR / "classic_csv"
SPLITS = ("tune", "holdout")
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
    """(modality scores, target scores) on the hand-labelled set (cgt_scores() gives CGT vs not CGT)."""
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


def ema_adjudications(path: Path = EMA_ADJUDICATED) -> dict[str, str]:
    """product number -> 'CGT' or 'not CGT' where the report's own substance contradicts its flag.

    EMA's report leaves the advanced-therapy flag at No on withdrawn applications; each row says why the
    report's own INN or substance makes the medicine a gene or cell therapy.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["product_number"]: row["expected"] for row in csv.DictReader(handle)}


def ema_report(
    report_dir: Path = DEFAULT_EMA_REPORT_DIR, adjudicated: dict[str, str] | None = None
) -> Scores:
    """CGT vs not CGT on every human medicine of EMA's report, against its advanced-therapy flag.

    adjudicated (ema_adjudications()) replaces the flag of the medicines it names.
    """
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
        expected = "CGT" if is_atmp else "not CGT"
        scores.add(
            item_id,
            (adjudicated or {}).get(item_id, expected),
            "CGT" if got["is_cgt"] else "not CGT",
            got["modality_evidence"],
        )
    return scores


def _staged_inputs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """The classifier input rows of the trials loaded into con, through the pipeline's staging view."""
    query = CLASSIFIER_INPUT_SQL.read_text(encoding="utf-8")
    return con.sql(f"SELECT DISTINCT item_id, field, text FROM ({query})").fetchall()


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
        return _staged_inputs(con)
    finally:
        con.close()


def _classic_inputs(
    trials: list[dict], interventions: list[tuple], conditions: list[tuple]
) -> list[tuple[str, str, str]]:
    """Classifier input rows for trials read from a classic format, mapped to the warehouse tables.

    trials: dicts with trial_id, title, official_title, keywords, brief_summary; interventions:
    (trial_id, index, type as the API v2 enum or None, name, description, other names); conditions:
    (trial_id, condition). The staging view then builds the texts exactly as for loaded trials.
    """
    from warehouse.load import ensure_schema

    con = duckdb.connect()
    try:
        ensure_schema(con)
        con.executemany(
            "INSERT INTO trials (trial_id, source, title, official_title, keywords, brief_summary)"
            " VALUES (?, 'ctgov', ?, ?, ?, ?)",
            [
                [
                    t["trial_id"],
                    t["title"],
                    t.get("official_title"),
                    t.get("keywords") or [],
                    t.get("brief_summary"),
                ]
                for t in trials
            ],
        )
        con.executemany(
            "INSERT INTO trial_interventions (trial_id, intervention_index, intervention_type, name,"
            " description, other_names) VALUES (?, ?, ?, ?, ?, ?)",
            [list(row) for row in interventions],
        )
        con.executemany(
            "INSERT INTO trial_conditions (trial_id, condition) VALUES (?, ?)", [list(c) for c in conditions]
        )
        return _staged_inputs(con)
    finally:
        con.close()


def _v2_type(classic_type: str | None) -> str | None:
    """'Diagnostic Test' -> 'DIAGNOSTIC_TEST': the classic formats spell API v2's intervention type enum."""
    return classic_type.strip().upper().replace(" ", "_") if classic_type and classic_type.strip() else None


def ctgov_classic_inputs(files: list[Path]) -> list[tuple[str, str, str]]:
    """Classifier input rows for the retired classic API's full studies (gzipped FullStudiesResponse).

    The pipeline has no parser for a retired API; the fields the staging view reads are found at
    their classic names (intervention type, name, description, other names; keywords; brief and
    official titles; conditions; brief summary) and mapped to the warehouse tables.
    """
    trials, interventions, conditions = [], [], []
    for path in files:
        body = json.loads(gzip.decompress(path.read_bytes()))
        for study in body["FullStudiesResponse"]["FullStudies"]:
            protocol = study["Study"]["ProtocolSection"]
            ident = protocol["IdentificationModule"]
            trial_id = ident["NCTId"]
            module = protocol.get("ConditionsModule", {})
            trials.append(
                {
                    "trial_id": trial_id,
                    "title": ident.get("BriefTitle"),
                    "official_title": ident.get("OfficialTitle"),
                    "keywords": module.get("KeywordList", {}).get("Keyword", []),
                    "brief_summary": protocol.get("DescriptionModule", {}).get("BriefSummary"),
                }
            )
            conditions += [(trial_id, c) for c in module.get("ConditionList", {}).get("Condition", [])]
            for index, item in enumerate(
                protocol.get("ArmsInterventionsModule", {})
                .get("InterventionList", {})
                .get("Intervention", [])
            ):
                interventions.append(
                    (
                        trial_id,
                        index,
                        _v2_type(item.get("InterventionType")),
                        item.get("InterventionName"),
                        item.get("InterventionDescription"),
                        item.get("InterventionOtherNameList", {}).get("InterventionOtherName", []),
                    )
                )
    return _classic_inputs(trials, interventions, conditions)


# The classic website's CSV writes interventions as "Type: name|Type: name"; names may hold "|" or ":",
# so a new intervention starts only at one of the registry's intervention types.
CLASSIC_CSV_INTERVENTION = re.compile(
    r"(?:^|\|)((?:Drug|Biological|Genetic|Procedure|Device|Radiation|Behavioral|Dietary Supplement"
    r"|Diagnostic Test|Combination Product|Other): )"
)


def classic_csv_interventions(cell: str) -> list[tuple[str | None, str]]:
    """'Biological: MSC|Drug: Placebo' -> [('BIOLOGICAL', 'MSC'), ('DRUG', 'Placebo')]."""
    parts = CLASSIC_CSV_INTERVENTION.split(cell or "")
    out: list[tuple[str | None, str]] = []
    if parts[0].strip():
        out.append((None, parts[0].strip()))
    for prefix, name in zip(parts[1::2], parts[2::2], strict=True):
        out.append((_v2_type(prefix.rstrip(": ")), name.strip()))
    return [(kind, name) for kind, name in out if name]


def ctgov_classic_csv_inputs(files: list[Path]) -> list[tuple[str, str, str]]:
    """Classifier input rows for the classic website's "Download -> CSV" (one study a row).

    Read: NCT Number, Title, Interventions ("Type: name|..."; the type kept as API v2's enum) and
    Conditions ("|"-separated). The download has no summaries, keywords, official titles or
    intervention descriptions, and nothing it lacks is invented.
    """
    trials, interventions, conditions = [], [], []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                trial_id = row["NCT Number"].strip()
                trials.append({"trial_id": trial_id, "title": row["Title"]})
                interventions += [
                    (trial_id, index, kind, name, None, [])
                    for index, (kind, name) in enumerate(classic_csv_interventions(row["Interventions"]))
                ]
                conditions += [(trial_id, c) for c in row["Conditions"].split("|") if c.strip()]
    return _classic_inputs(trials, interventions, conditions)


def cgt_scores(modality: Scores) -> Scores:
    """CGT vs not CGT, from modality scores (every modality but 'not CGT' is CGT)."""
    scores = Scores()
    for label, count in modality.true_positive.items():
        side = "not CGT" if label == "not CGT" else "CGT"
        scores.support[side] += count
        scores.true_positive[side] += count
    for item_id, expected, predicted, evidence in modality.errors:
        expected_side = "not CGT" if expected == "not CGT" else "CGT"
        predicted_side = "not CGT" if predicted == "not CGT" else "CGT"
        if expected_side == predicted_side:
            scores.support[expected_side] += 1
            scores.true_positive[expected_side] += 1
        else:
            scores.add(item_id, expected_side, predicted_side, evidence)
    return scores


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


def msc_labels(path: Path = MSC_LABELLED) -> dict[str, tuple[str, str]]:
    """trial_id -> (split, expected modality) for the classic-CSV trials labelled by hand.

    The split was fixed from the NCT number before any classifier output was read: the number's
    half odd is `tune` (rules may be tuned to it), even is `holdout` (never tuned to).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["trial_id"]: (row["split"], row["expected_modality"]) for row in csv.DictReader(handle)}


def split_of(trial_id: str) -> str:
    """The deterministic split of an NCT number: NCT00000006 (6 / 2 = 3, odd) is tune."""
    return "tune" if int(trial_id.removeprefix("NCT")) // 2 % 2 else "holdout"


def classic_csv_sets(
    csv_dir: Path = DEFAULT_CTGOV_CLASSIC_CSV_DIR, labels_path: Path = MSC_LABELLED
) -> dict[str, tuple[Scores, Scores]]:
    """Per split: (CGT vs not CGT, modality) on the classic-CSV download, against the hand labels."""
    files = sorted(csv_dir.glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no classic ClinicalTrials.gov CSV download in {csv_dir}")
    results = classify_fields(ctgov_classic_csv_inputs(files))
    labels = msc_labels(labels_path)
    out: dict[str, tuple[Scores, Scores]] = {}
    for split in SPLITS:
        in_split = {item: got for item, got in results.items() if labels.get(item, ("",))[0] == split}
        out[split] = score_cgt_and_modality(
            {
                item: (got["modality"], got["is_cgt"], got["modality_evidence"])
                for item, got in in_split.items()
            },
            {item: expected for item, (_, expected) in labels.items()},
        )
    return out


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
        residue = replay_residue(con)
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
        "replay_residue": residue,
    }


def replay_residue(con: duckdb.DuckDBPyConnection, path: Path = REPLAY_RESIDUE) -> Scores:
    """CGT vs not CGT on the replay trials rules 2026.12.6 called not CGT whose record is clear, read by hand.

    Labelled from what each record says (a reason per row); the code-only records whose nature the record does
    not state are left out. The 2026.12.7 rules were written while reading them: a regression set, not an
    unbiased estimate (docs/classifier.md).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        expected = {row["trial_id"]: row["expected"] for row in csv.DictReader(handle)}
    scores = Scores()
    for trial_id, is_cgt, evidence in con.execute(
        "SELECT trial_id, is_cgt, modality_evidence FROM trial_classification ORDER BY trial_id"
    ).fetchall():
        if trial_id in expected:
            scores.add(trial_id, expected[trial_id], "CGT" if is_cgt else "not CGT", evidence)
    return scores


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


CELL_THERAPIES = ("non-genetically-modified cell therapy", "tissue-engineered product")


def recognised_as_cgt(modality: Scores, labels: tuple[str, ...] = CELL_THERAPIES) -> tuple[int, int]:
    """(classified CGT, labelled) among items labelled with one of labels (MSC and other cell therapies)."""
    labelled = sum(modality.support[label] for label in labels)
    missed = sum(
        1 for _, expected, predicted, _ in modality.errors if expected in labels and predicted == "not CGT"
    )
    return labelled - missed, labelled


def report(
    db_path: Path | None = None,
    ema_dir: Path = DEFAULT_EMA_REPORT_DIR,
    ctgov_dir: Path = DEFAULT_CTGOV_SAMPLES_DIR,
    classic_csv_dir: Path = DEFAULT_CTGOV_CLASSIC_CSV_DIR,
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
    table("Hand-labelled set (warehouse/classifier_eval.csv): CGT vs not CGT", cgt_scores(modality))
    table("Hand-labelled set: modality", modality)
    table("Hand-labelled set: target antigen", target)
    if ema_dir.exists() and any(ema_dir.glob("*.xlsx")):
        table(
            "EMA medicines report, every human medicine: advanced-therapy flag vs is_cgt"
            " (the report names no modality, so CGT vs not CGT only)",
            ema_report(ema_dir),
        )
        table(
            f"EMA medicines report, adjudicated ({EMA_ADJUDICATED.name}: withdrawn applications whose own"
            " INN or substance is a gene or cell therapy count as CGT): CGT vs not CGT",
            ema_report(ema_dir, ema_adjudications()),
        )
    else:
        lines.append(f"\nEMA report: none in {ema_dir}, skipped")
    if ctgov_dir.exists():
        cgt, modality_genuine = genuine_ctgov(ctgov_dir)
        table("Genuine ClinicalTrials.gov samples, hand-labelled (with summaries): CGT vs not CGT", cgt)
        table("Genuine ClinicalTrials.gov samples: modality", modality_genuine)
    else:
        lines.append(f"\nClinicalTrials.gov samples: none in {ctgov_dir}, skipped")
    if classic_csv_dir.exists() and any(classic_csv_dir.glob("*.csv")):
        for split, (cgt, modality_msc) in classic_csv_sets(classic_csv_dir).items():
            name = f"Classic-CSV download 'mesenchymal stem OR stromal' ({MSC_LABELLED.name}), {split}"
            table(f"{name}: CGT vs not CGT", cgt)
            table(f"{name}: modality", modality_msc)
            recognised, labelled = recognised_as_cgt(modality_msc)
            share = f"{recognised / labelled:.3f}" if labelled else "-"
            lines.append(
                f"  cell therapies (MSC and others) classified CGT: {recognised}/{labelled} = {share}"
            )
    else:
        lines.append(f"\nClassic ClinicalTrials.gov CSV download: none in {classic_csv_dir}, skipped")
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
        agreed, labelled = sum(source.true_positive.values()), sum(source.support.values())
        lines.append(
            f"  cell source agreement: {agreed}/{labelled} = {agreed / labelled:.3f}" if labelled else ""
        )
        table("Warehouse: cgt_role vs the same hand labels", role)
        table(
            f"Warehouse: replay trials rules 2026.12.6 called not CGT, read by hand ({REPLAY_RESIDUE.name}):"
            " CGT vs not CGT",
            figures["replay_residue"],
        )
    return "\n".join(lines).lstrip("\n")
