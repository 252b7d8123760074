"""Rules 2026.12.7: what the record says the product is (NK cells, gamma-delta T cells, T lymphocytes, a cell
preparation, cells given after lymphodepletion), 'either' for 'autologous or allogeneic' wording, and the
EMA report's withdrawn gene and cell therapies adjudicated (issue 19, item 7)."""

from __future__ import annotations

import pytest

from warehouse.evaluation import EMA_ADJUDICATED, classify_fields, ema_adjudications


def _classify(texts: list[tuple[str, str]]) -> dict:
    """One item's label from (field, text) rows, as the staging view feeds them."""
    return classify_fields([("x", field, text) for field, text in texts])["x"]


@pytest.mark.parametrize(
    ("texts", "modality", "rule"),
    [
        # The intervention's name is the cells: NK, gamma-delta T, T lymphocytes, a code followed by "cells".
        (
            [("intervention", "PD-1-M1-NK Cells")],
            "non-genetically-modified cell therapy",
            "cells_named_as_product",
        ),
        (
            [("intervention", "MSLN STAR-T cells")],
            "non-genetically-modified cell therapy",
            "cells_named_as_product",
        ),
        (
            [("intervention", "Vγ9Vδ2 T cells")],
            "non-genetically-modified cell therapy",
            "cells_named_as_product",
        ),
        (
            [("intervention", "biological: Gamma delta T lymphocytes")],
            "non-genetically-modified cell therapy",
            "cells_named_as_product",
        ),
        (
            [("intervention", "TC-G203 cells treatment")],
            "non-genetically-modified cell therapy",
            "code_named_cells",
        ),
        (
            [("title", "BGT007H Cells for the Treatment of Recurrent Gastrointestinal Tumors")],
            "non-genetically-modified cell therapy",
            "code_named_cells",
        ),
        (
            [("intervention", "LCAR-AIO cells product")],
            "non-genetically-modified cell therapy",
            "code_named_cells",
        ),
        # Cells given after lymphodepletion: an adoptive cell product whose class the record does not name.
        (
            [("intervention", "After preconditioning with chemotherapy, F01 will be evaluated.")],
            "unclassified CGT",
            "cells_after_lymphodepletion",
        ),
        (
            [
                ("intervention", "XYZ-101"),
                ("summary", "Patients receive XYZ-101 after lymphodepleting chemotherapy with fludarabine."),
            ],
            "unclassified CGT",
            "lymphodepletion_summary",
        ),
        # A summary that says the product is cells.
        (
            [
                ("intervention", "T60c injection"),
                ("summary", "A dose escalation clinical study of cell therapy to evaluate T60c injection."),
            ],
            "non-genetically-modified cell therapy",
            "cell_product_summary",
        ),
        (
            [
                ("intervention", "AB-205"),
                ("summary", "AB-205 is an allogeneic, off-the-shelf NK cell therapy given in three doses."),
            ],
            "non-genetically-modified cell therapy",
            "cell_product_summary",
        ),
        # A gamma-delta CAR is a CAR-T.
        ([("intervention", "CAR-γδ T cells")], "CAR-T", "car_gamma_delta"),
    ],
)
def test_the_record_says_what_the_product_is(texts: list[tuple[str, str]], modality: str, rule: str) -> None:
    got = _classify(texts)
    assert (got["modality"], got["modality_rule"]) == (modality, rule)


@pytest.mark.parametrize(
    "texts",
    [
        # T cells as a mechanism, a biomarker or a graft manipulation are not a product given.
        [("intervention", "Blinatumomab"), ("summary", "Blinatumomab is a bispecific T-cell engager.")],
        [("intervention", "Alpha-beta T-cell depleted haploidentical graft")],
        [("intervention", "CD3+ T cell depletion")],
        [("title", "CD4 Cell Count in Patients Treated With Dolutegravir")],
        [
            ("intervention", "Ruxolitinib"),
            (
                "summary",
                "Graft-versus-host disease occurs when donor T cells attack the recipient's tissues.",
            ),
        ],
        [
            ("intervention", "Biospecimen collection"),
            (
                "summary",
                "A screening protocol for future adoptive T-cell therapy trials; nothing is administered.",
            ),
        ],
        # A protein produced in engineered cells (EMA's Hepacare) is no cell therapy.
        [
            (
                "intervention",
                "hepatitis B surface antigens [produced on genetically engineered murine (C127I) cells]",
            )
        ],
    ],
)
def test_cells_that_are_not_given_stay_not_cgt(texts: list[tuple[str, str]]) -> None:
    assert _classify(texts)["modality"] == "not CGT"


@pytest.mark.parametrize(
    ("texts", "source"),
    [
        (
            [
                ("intervention", "CD19 CAR-T"),
                ("summary", "CAR genes are transduced into patient autologous or donor-derived T cells."),
            ],
            "either",
        ),
        ([("title", "Autologous and Donor-derived CD7 CAR-T Therapy in T-cell Malignancies")], "either"),
        ([("intervention", "Autologous or allogeneic NK cells transfected with CAR mRNA")], "either"),
        # The same words about a transplant say what the patient had: the default applies.
        (
            [
                ("intervention", "CD19 CAR-T"),
                (
                    "summary",
                    "Prior failure of autologous or allogeneic hematopoietic stem cell transplantation.",
                ),
            ],
            "autologous",
        ),
        (
            [
                ("intervention", "CD19 CAR-T"),
                ("conditions", "Bone Marrow Transplant - Autologous or Allogeneic"),
            ],
            "autologous",
        ),
        # Gamma-delta CAR-T: allogeneic by the rule's documented default, unless the record says autologous.
        ([("intervention", "CAR-γδ T cells")], "allogeneic"),
        ([("intervention", "autologous CAR-γδ T cells")], "autologous"),
    ],
)
def test_autologous_or_allogeneic_wording_gives_either(texts: list[tuple[str, str]], source: str) -> None:
    assert _classify(texts)["cell_source"] == source


def test_ema_adjudications_name_the_report_and_give_a_reason() -> None:
    adjudicated = ema_adjudications()
    assert len(adjudicated) == 5 and set(adjudicated.values()) == {"CGT"}
    text = EMA_ADJUDICATED.read_text(encoding="utf-8")
    assert text.count("Application withdrawn") == 5
