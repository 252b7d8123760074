"""Cell source with its basis, in vivo CAR and cgt_role (issue 10): each failure class seen on the replay,
in the shapes registries write them (intervention names, titles, brief summaries)."""

from __future__ import annotations

import pytest

from warehouse.classifier import read_cell_source_defaults, read_rules
from warehouse.evaluation import classify_fields


def classify(*fields: tuple[str, str]) -> dict:
    return classify_fields([("t", field, text) for field, text in fields])["t"]


def test_car_t_without_marker_is_autologous_by_documented_default() -> None:
    got = classify(("intervention", "CD19 CAR-T cells"), ("title", "CD19 CAR-T for B-ALL"))
    assert (got["cell_source"], got["cell_source_basis"]) == ("autologous", "default")
    assert "patient's own T cells" in got["cell_source_evidence"]
    assert got["cell_source_rule"] == "default:CAR-T"


def test_explicit_words_beat_the_default_and_say_where_they_are() -> None:
    got = classify(("intervention", "Allogeneic CD19 CAR-T cells"))
    assert (got["cell_source"], got["cell_source_basis"]) == ("allogeneic", "explicit")
    assert got["cell_source_evidence"] == "intervention: allogeneic"


def test_named_product_is_its_own_basis() -> None:
    got = classify(("intervention", "Tisagenlecleucel"))
    assert (got["cell_source"], got["cell_source_basis"]) == ("autologous", "named product")
    got = classify(("intervention", "ALLO-501 anti-CD19 CAR T cells"))
    assert (got["cell_source"], got["cell_source_basis"]) == ("allogeneic", "named product")


def test_summary_states_the_source_near_the_cells() -> None:
    got = classify(
        ("intervention", "XYZ-19 injection"),
        ("title", "CD19 CAR-T in lymphoma"),
        ("summary", "This study infuses autologous anti-CD19 CAR T cells after lymphodepletion."),
    )
    assert (got["cell_source"], got["cell_source_basis"]) == ("autologous", "explicit")
    assert got["cell_source_evidence"].startswith("summary: autologous")
    got = classify(
        ("title", "CD7 CAR-T for T-ALL"),
        ("summary", "Base-edited CAR7 T cells are made from a healthy donor and given ready-made."),
    )
    assert got["cell_source"] == "allogeneic"


def test_a_transplant_is_not_the_products_source() -> None:
    """'Allogeneic HSCT' says what the patient had; the CAR-T stays autologous by default."""
    got = classify(
        ("intervention", "CD7 CAR-T cells"),
        ("intervention", "Allogeneic hematopoietic stem cell transplantation"),
        (
            "summary",
            "Patients who relapsed after allogeneic stem cell transplantation receive CD7 CAR-T cells.",
        ),
    )
    assert (got["cell_source"], got["cell_source_basis"]) == ("autologous", "default")


def test_in_vivo_car_is_its_own_modality_with_in_vivo_source() -> None:
    for field, text in [
        ("intervention", "In vivo CAR-T drug targeting CD20 based on mRNA-LNP"),
        ("title", "In Vivo BCMA/GPRC5D Tandem Dual CAR-T Therapy for Relapsed Plasma Cell Neoplasms"),
        ("intervention", "CD19/CD20 Dual-Target in vivo CAR-T Lentiviral product"),
    ]:
        got = classify((field, text))
        assert (got["modality"], got["cell_source"], got["delivery"]) == (
            "in vivo CAR",
            "in vivo",
            "in vivo",
        ), text
    got = classify(
        ("intervention", "KSVCBD injection"),
        ("title", "KSVCBD Injection in Multiple Myeloma Expressing CD19 and/or BCMA"),
        (
            "summary",
            "KSVCBD injection is an in vivo Chimeric Antigen Receptor T-Cell (CAR-T cell) therapy product.",
        ),
    )
    assert got["modality"] == "in vivo CAR"
    assert got["target"] == "BCMA+CD19"


def test_in_vivo_expansion_of_ex_vivo_car_t_is_not_in_vivo_car() -> None:
    got = classify(
        ("intervention", "CD19 CAR-T cells"),
        (
            "summary",
            "We will measure in vivo CAR-T cell expansion and how long CAR-T cells stay in the body.",
        ),
    )
    assert got["modality"] == "CAR-T"


@pytest.mark.parametrize(
    ("title", "role"),
    [
        (
            "Anakinra for the Prevention of Cytokine Release Syndrome in Patients Receiving CAR T Cells",
            "population",
        ),
        (
            "Pirtobrutinib Maintenance After CAR-T Therapy in Relapsed or Refractory B-Cell Lymphoma",
            "population",
        ),
        ("Long-Term Follow-Up Study for Patients Previously Treated With JCAR015", "follow-up"),
        ("CD22 CAR T-cells to Extend Remission Following Commercial CD19 CAR T-cells", "investigational"),
        ("CD19 CAR-T Cells After Autologous Stem Cell Transplant in Lymphoma", "investigational"),
    ],
)
def test_cgt_role_from_the_title(title: str, role: str) -> None:
    got = classify(("intervention", "CD19 CAR-T cells"), ("title", title))
    assert got["cgt_role"] == role, got["cgt_role_evidence"]


def test_role_is_not_read_from_intervention_descriptions_or_conditions() -> None:
    got = classify(
        ("intervention", "CAR-T cells | quality of life questionnaire before ASCT sequential CAR-T"),
        ("title", "CD19 CAR-T for lymphoma"),
        ("conditions", "Cytokine Release Syndrome"),
    )
    assert got["cgt_role"] == "investigational"


def test_not_cgt_has_no_cell_source_or_role() -> None:
    got = classify(("intervention", "Pembrolizumab"))
    assert (got["cell_source"], got["cell_source_basis"], got["cgt_role"]) == (None, None, None)


def test_rules_and_defaults_validate_their_labels() -> None:
    rules = read_rules()
    assert {row["label"] for row in rules.rows if row["kind"] == "role"} <= {
        "investigational",
        "population",
        "follow-up",
    }
    defaults = {row["modality"]: row["cell_source"] for row in read_cell_source_defaults()}
    assert defaults["CAR-T"] == "autologous" and defaults["CAR-NK and other CAR cells"] == "allogeneic"
