"""The modality classifier, its measured quality floor, the modality-grained marts, export and report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cgt_atlas.landing import new_run_id
from cgt_atlas.publish import export_marts
from cgt_atlas.report import build_report
from tests.conftest import shared_path
from tests.registry_helpers import load_replay
from warehouse.classifier import MODALITIES, install_classifier, read_rules
from warehouse.evaluation import classify_texts, ema_report, genuine_ctgov, hand_labelled, warehouse_figures
from warehouse.load import connect_reader

SOURCES = ("ctgov", "euctr", "ictrp", "ema", "curated")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every source of the replay, loaded through the same steps as the flow (no Prefect)."""
    replay = shared_path("replay")
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(data))
        load_replay(replay, data / "atlas.duckdb", list(SOURCES), new_run_id())
    yield data / "atlas.duckdb"


def _rows(db: Path, sql: str) -> list[tuple]:
    con = connect_reader(db)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


# --- rules ------------------------------------------------------------------------------------------


def test_rules_file_is_versioned_and_every_modality_rule_names_a_known_modality() -> None:
    rules = read_rules()
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d+", rules.version)
    labels = {row["label"] for row in rules.rows if row["kind"] == "modality"}
    assert labels <= set(MODALITIES)


@pytest.mark.parametrize(
    ("text", "modality", "target", "rule"),
    [
        ("Tisagenlecleucel | Fludarabine", "CAR-T", "CD19", "car_inn"),
        ("Anti-BCMA CAR-T cells", "CAR-T", "BCMA", "car_explicit"),
        ("CD19-directed CAR-NK cells from cord blood", "CAR-NK and other CAR cells", "CD19", "car_nk"),
        ("NY-ESO-1 TCR-engineered T cells", "TCR-T", "NY-ESO-1", "tcr_t"),
        ("lifileucel", "TIL", None, "til"),
        ("onasemnogene abeparvovec", "AAV gene therapy", None, "aav"),
        ("exagamglogene autotemcel", "gene editing", None, "gene_editing_ex_vivo"),
        (
            "betibeglogene autotemcel",
            "lentiviral or retroviral ex vivo gene therapy",
            None,
            "lenti_retro_ex_vivo",
        ),
        ("talimogene laherparepvec", "oncolytic virus", None, "oncolytic"),
        (
            "Allogeneic bone marrow mesenchymal stem cells",
            "non-genetically-modified cell therapy",
            None,
            "msc",
        ),
        ("Carfilzomib | Carboplatin", "not CGT", None, "no_rule_fired"),
        ("Driving a car after stroke", "not CGT", None, "no_rule_fired"),
        ("Brentuximab vedotin in peripheral T-cell lymphoma", "not CGT", None, "no_rule_fired"),
        # Combination trials with a CAR-T product count as CAR-T; NKG2D is a target, not NK cells.
        ("CD19-targeted CAR-T and CD19 CAR-DC", "CAR-T", "CD19", "car_t_with_other_car"),
        ("Sequential CD19 CARNK and 7x19 CAR-T", "CAR-T", "CD19", "car_t_with_other_car"),
        (
            "Chimeric antigen receptor modified T-cells targeting NKG2D-ligands",
            "CAR-T",
            "NKG2D",
            "car_explicit",
        ),
        ("CD7 chimeric antigen receptor T cells for NK/T-cell lymphoma", "CAR-T", "CD7", "car_explicit"),
        ("arlo-cel (BMS-986393)", "CAR-T", "GPRC5D", "car_inn"),
        ("CAR20.19.22 T-cells", "CAR-T", "CD19+CD20+CD22", "car_explicit"),
        # Vaccines against infectious diseases are not gene therapies, even on a viral vector.
        (
            "COVID-19 vaccine: Comirnaty (mRNA) or Vaxzevria (viral vector, AstraZeneca)",
            "not CGT",
            None,
            "infectious_vaccine",
        ),
        # Cord blood as a sample is not a cell therapy; cord blood cells given are.
        (
            "RT-PCR of maternal saliva, cord blood, placenta and amniotic fluid",
            "not CGT",
            None,
            "no_rule_fired",
        ),
        (
            "Umbilical cord blood derived regulatory cells infusion",
            "non-genetically-modified cell therapy",
            None,
            "non_gm_cell",
        ),
    ],
)
def test_hand_written_examples(text: str, modality: str, target: str | None, rule: str) -> None:
    got = classify_texts([("x", text)])["x"]
    assert (got["modality"], got["target"], got["modality_rule"]) == (modality, target, rule)
    assert got["is_cgt"] == (modality != "not CGT")


def test_a_named_product_gives_its_modality_target_and_source_from_the_product_table() -> None:
    got = classify_texts([("a", "GLPG5101 | Fludarabine"), ("b", "GLPG51012 placebo")])
    assert (got["a"]["modality"], got["a"]["target"], got["a"]["cell_source"]) == (
        "CAR-T",
        "CD19",
        "autologous",
    )
    assert got["a"]["modality_rule"] == "product_glpg5101"
    assert got["b"]["modality"] == "not CGT"  # codes match as whole words only
    products = [row for row in read_rules().rows if row["rule_id"].startswith("product_")]
    assert products and all("https://" in row["note"] for row in products)


@pytest.mark.parametrize(
    ("text", "modality", "target", "source"),
    [
        ("Biological: Lomecel-B", "non-genetically-modified cell therapy", None, "allogeneic"),
        ("UB-VV400 | Rapamycin", "in vivo CAR", "CD22", "in vivo"),
        ("Genetic: SRP-9001", "AAV gene therapy", None, "in vivo"),
        ("ONCOS-102 and pemetrexed", "oncolytic virus", None, "not applicable"),
        ("TAEST16001 cells", "TCR-T", "NY-ESO-1", "autologous"),
        ("CTX310 infusion", "gene editing", None, "in vivo"),
    ],
)
def test_code_only_products_of_every_modality_are_named(
    text: str, modality: str, target: str | None, source: str
) -> None:
    """Records that give only a company code (rules 2026.12.6 widened the table beyond CAR-T)."""
    got = classify_texts([("x", text)])["x"]
    assert (got["modality"], got["target"], got["cell_source"]) == (modality, target, source)
    assert got["modality_rule"].startswith("product_")


def test_a_product_row_without_a_public_source_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "products.csv"
    table.write_text(
        "product_id,aliases,name,modality,target,cell_source,delivery,source_url\n"
        "x1,X-1,an unnamed product,CAR-T,CD19,autologous,ex vivo,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="no https source_url"):
        read_rules(products_path=table)


def test_cell_source_and_delivery_come_with_the_label() -> None:
    got = classify_texts([("a", "UCART19 allogeneic CAR-T"), ("b", "voretigene neparvovec")])
    assert (got["a"]["cell_source"], got["a"]["delivery"]) == ("allogeneic", "ex vivo")
    assert (got["b"]["cell_source"], got["b"]["delivery"]) == ("in vivo", "in vivo")


# --- quality floor (docs/classifier.md records the figures) -----------------------------------------


def test_quality_floor_on_the_hand_labelled_set() -> None:
    modality, target = hand_labelled()
    correct = sum(modality.true_positive.values())
    assert correct / sum(modality.support.values()) >= 0.95
    assert modality.recall("CAR-T") == 1.0 and modality.precision("not CGT") == 1.0
    assert sum(target.true_positive.values()) / sum(target.support.values()) >= 0.95


def test_quality_floor_on_emas_whole_report() -> None:
    scores = ema_report(shared_path("samples", "ema"))
    assert scores.support["CGT"] == 35 and scores.support["not CGT"] > 2000
    assert scores.recall("CGT") >= 0.97
    assert scores.precision("CGT") >= 0.85  # 4 of the 5 "false" positives are withdrawn gene/cell therapies
    assert scores.precision("not CGT") >= 0.999


def test_quality_floor_on_genuine_clinicaltrials_gov_samples() -> None:
    """Mostly not CGT, with summaries: what the summary reading costs in false positives."""
    cgt, modality = genuine_ctgov(shared_path("samples", "ctgov"))
    assert cgt.support["not CGT"] >= 220 and cgt.support["CGT"] >= 4
    assert cgt.recall("not CGT") >= 0.99  # at most 2 of the 228 non-CGT trials called CGT
    assert cgt.precision("CGT") >= 0.99
    # T3011, an oncolytic virus its record never calls one, is found only through the product table.
    assert cgt.recall("CGT") >= 0.75
    assert modality.recall("CAR-T") == 1.0


def test_replay_car_t_set_is_classified_car_t_with_targets(warehouse: Path) -> None:
    figures = warehouse_figures(warehouse)
    assert figures["ctgov_trials"] == 2274
    # CAR-T >= 95% cannot hold with correct labels: 134 of the 2,274 are CAR-NK/CAR-macrophage/CAR-DC
    # trials, a separate modality, and about 40 have no CAR product at all (docs/classifier.md). 95%
    # holds for CAR cell therapies of any kind, which is what the replay's source counts as CAR-T. Since
    # rules 2026.12.5 the 27 in vivo CAR trials are a modality of their own, counted among CAR cells.
    assert figures["car_t_share"] >= 0.88
    assert figures["car_any_share"] >= 0.96
    source, role = figures["cell_source_and_role"]
    assert source.recall("autologous") >= 0.95 and source.precision("autologous") >= 0.95
    agreement = sum(source.true_positive.values()) / sum(source.support.values())
    assert agreement >= 0.95
    assert sum(role.true_positive.values()) / sum(role.support.values()) >= 0.95
    assert figures["car_t_with_target_share"] >= 0.80
    # issue 19: the replay's cell products that rules 2026.12.6 missed, with no drug trial read as CGT
    residue = figures["replay_residue"]
    assert residue.support == {"CGT": 8, "not CGT": 22}
    assert residue.recall("CGT") == 1.0 and residue.precision("CGT") == 1.0
    registry_cgt, registry_modality = figures["genuine_registry_records"]
    assert sum(registry_cgt.support.values()) >= 95
    assert registry_cgt.errors == [] and registry_modality.errors == []


@pytest.mark.parametrize(
    ("texts", "modality", "target", "evidence"),
    [
        # A product known by a code: the summary says what it is.
        (
            [
                ("intervention", "TAA06 injection"),
                ("summary", "TAA06 injection is a CAR T injection targeting B7-H3. This is a phase I study."),
            ],
            "CAR-T",
            "B7-H3",
            "summary: car t",
        ),
        # A catch-all label made specific by the summary.
        (
            [
                ("intervention", "QN-019a"),
                ("title", "Natural Killer (NK) Cell Therapy for B-Cell Malignancies"),
                ("summary", "A study of QN-019a (allogeneic CAR-NK cells targeting CD19) in B-ALL."),
            ],
            "CAR-NK and other CAR cells",
            "CD19",
            "summary: car-nk",
        ),
        # A specific label is never changed by a summary that mentions CAR-T in passing.
        (
            [
                ("intervention", "EBV-TCR-T (YT-E001) cells"),
                ("summary", "TCR-T cells avoid the severe side effects found in CAR-T trials."),
            ],
            "TCR-T",
            "EBV",
            "intervention: ebv-tcr",
        ),
        # A trial about CAR-T patients (supportive care) is a CAR-T trial, as the ONC monitor counts it.
        (
            [
                ("intervention", "Dexamethasone"),
                ("title", "IT Therapy for ICANS"),
                ("summary", "To reduce ICANS in participants who receive axi-cel."),
            ],
            "CAR-T",
            None,
            "summary: axi-cel",
        ),
        # Antigens named in a summary away from CAR wording are not targets; bispecifics are not CAR-T.
        (
            [
                ("intervention", "Blinatumomab | Ibrutinib"),
                ("summary", "Blinatumomab engages CD19 on B cells and CD3 on T cells, redirecting T cells."),
            ],
            "not CGT",
            None,
            None,
        ),
    ],
)
def test_brief_summaries_are_read_second(
    texts: list[tuple[str, str]], modality: str, target: str | None, evidence: str | None
) -> None:
    con = duckdb.connect()
    try:
        install_classifier(con)
        con.execute("CREATE TEMP TABLE t (item_id VARCHAR, field VARCHAR, text VARCHAR)")
        con.executemany("INSERT INTO t VALUES ('x', ?, ?)", texts)
        got = con.sql("SELECT modality, target, modality_evidence FROM classify_items('t')").fetchall()
    finally:
        con.close()
    assert got == [(modality, target, evidence)]


# --- marts ------------------------------------------------------------------------------------------


def test_every_record_and_cluster_has_exactly_one_modality(warehouse: Path) -> None:
    assert _rows(warehouse, "SELECT count(*), count(DISTINCT trial_id) FROM trial_classification") == _rows(
        warehouse, "SELECT count(*), count(*) FROM trials"
    )
    assert _rows(
        warehouse,
        "SELECT count(*) FROM (SELECT cluster_id FROM mart_cluster_countries "
        "GROUP BY cluster_id HAVING count(DISTINCT modality) <> 1 OR count(modality) <> count(*))",
    ) == [(0,)]


PRE_MODALITY_REGIONAL = """
    SELECT region, start_year, phase, count(DISTINCT cluster_id),
        count(DISTINCT cluster_id) FILTER (WHERE is_active),
        sum(sites)::BIGINT
    FROM mart_cluster_countries
    WHERE is_counted AND region IS NOT NULL
    GROUP BY ALL
"""
SUMMED_REGIONAL = """
    SELECT region, start_year, phase, sum(trials_started)::BIGINT,
        sum(trials_active)::BIGINT, sum(sites)::BIGINT
    FROM mart_regional_activity GROUP BY ALL HAVING sum(trials_started) > 0
"""
PRE_MODALITY_COUNTRY = """
    SELECT country_code, start_year, count(DISTINCT cluster_id),
        count(DISTINCT cluster_id) FILTER (WHERE is_active),
        sum(sites)::BIGINT
    FROM mart_cluster_countries
    WHERE is_counted AND country_code IS NOT NULL
    GROUP BY ALL
"""
SUMMED_COUNTRY = """
    SELECT country_code, start_year, sum(trials_started)::BIGINT,
        sum(trials_active)::BIGINT, sum(sites)::BIGINT
    FROM mart_country_activity GROUP BY ALL HAVING sum(trials_started) > 0
"""


def test_summing_over_modality_gives_the_pre_modality_figures(warehouse: Path) -> None:
    assert sorted(_rows(warehouse, SUMMED_REGIONAL), key=str) == sorted(
        _rows(warehouse, PRE_MODALITY_REGIONAL), key=str
    )
    assert sorted(_rows(warehouse, SUMMED_COUNTRY), key=str) == sorted(
        _rows(warehouse, PRE_MODALITY_COUNTRY), key=str
    )
    assert (
        _rows(
            warehouse, "SELECT sum(trials_started) FROM mart_regional_activity WHERE region = 'Asia-Pacific'"
        )[0][0]
        > 1000
    )


def test_approvals_and_the_new_marts(warehouse: Path) -> None:
    approvals = dict(
        _rows(
            warehouse,
            "SELECT region, sum(approvals) FROM mart_regional_activity "
            "GROUP BY ALL HAVING sum(approvals) > 0",
        )
    )
    products = dict(
        _rows(
            warehouse, "SELECT region, count(DISTINCT product_id) FROM product_first_approvals GROUP BY ALL"
        )
    )
    assert approvals == products
    assert _rows(
        warehouse, "SELECT count(*) FROM mart_regional_activity WHERE approvals > 0 AND phase IS NOT NULL"
    ) == [(0,)]
    share = _rows(
        warehouse, "SELECT min(multi_region_share), max(multi_region_share) FROM mart_collaboration"
    )[0]
    assert 0 <= share[0] <= share[1] <= 1
    assert _rows(warehouse, "SELECT max(sponsor_rank) <= 25 + 10, count(DISTINCT region) FROM mart_sponsors")[
        0
    ] == (
        True,
        5,
    )
    batches = _rows(
        warehouse,
        "SELECT count(*) FROM mart_manufacturing_demand WHERE NOT is_estimate "
        "OR (patient_batches_per_year IS NOT NULL) <> (manufacturing_model = 'autologous per-patient' "
        "AND year IS NOT NULL) OR patient_batches_per_year <> patients_per_year",
    )
    assert batches == [(0,)]
    assert "mart_manufacturing_activity" not in {row[0] for row in _rows(warehouse, "SHOW TABLES")}


# --- publishing -------------------------------------------------------------------------------------


def test_export_writes_every_mart_with_a_manifest_that_matches_the_parquet(
    warehouse: Path, tmp_path: Path
) -> None:
    manifest = export_marts(warehouse, tmp_path / "out")
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert on_disk["tables"] == manifest["tables"]
    assert {
        "mart_regional_activity",
        "mart_country_activity",
        "mart_collaboration",
        "mart_sponsors",
        "mart_manufacturing_demand",
        "mart_regulatory_lag",
    } <= set(manifest["tables"])
    assert {source["source"] for source in manifest["sources"]} == set(SOURCES)
    assert manifest["built_at"] and manifest["classifier_rules_version"]
    for name, table in manifest["tables"].items():
        path = tmp_path / "out" / table["file"]
        assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()[0][0] == table["rows"], name


def test_report_is_one_self_contained_file_with_every_chart(warehouse: Path) -> None:
    page = build_report(warehouse)
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?\s*(?:https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    for section in ("trials-by-region", "modality-mix", "top-countries", "regulatory-lag", "freshness"):
        assert f"id='{section}'" in page
    assert page.count("<svg") >= 4


@pytest.mark.parametrize("mart", ["mart_regional_activity", "mart_country_activity"])
def test_industry_share_travels_with_its_numerator(warehouse: Path, mart: str) -> None:
    con = connect_reader(warehouse)
    try:
        mismatched, over = con.sql(
            "SELECT count(*) FILTER (WHERE trials_started > 0 AND industry_share <> "
            "round(industry_trials / trials_started, 4)), "
            f"count(*) FILTER (WHERE industry_trials > trials_started) FROM {mart}"
        ).fetchall()[0]
    finally:
        con.close()
    assert mismatched == 0 and over == 0


def test_started_trials_leave_out_withdrawn_and_not_yet_recruiting_ones(warehouse: Path) -> None:
    marts = _rows(
        warehouse,
        "SELECT sum(trials_started), sum(trials_withdrawn), sum(trials_not_yet_recruiting) "
        "FROM mart_country_activity",
    )[0]
    clusters = _rows(
        warehouse,
        "SELECT count(*) FILTER (WHERE coalesce(overall_status, 'UNKNOWN') "
        "NOT IN ('WITHDRAWN', 'NOT_YET_RECRUITING')), "
        "count(*) FILTER (WHERE overall_status = 'WITHDRAWN'), "
        "count(*) FILTER (WHERE overall_status = 'NOT_YET_RECRUITING') FROM mart_cluster_countries "
        "WHERE is_cgt AND counts_as_development AND country_code IS NOT NULL",
    )[0]
    assert marts == clusters and marts[1] > 0 and marts[2] > 0
