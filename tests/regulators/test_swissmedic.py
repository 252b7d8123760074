"""Swissmedic packages list: the genuine workbook, hand-built ones, a mocked fetch, the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
import requests_mock

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources import SOURCES, swissmedic
from cgt_atlas.sources.base import ParsedPages
from cgt_atlas.sources.swissmedic.settings import LIST_PAGE_URL
from cgt_atlas.staging import split_valid
from tests.conftest import shared_path
from tests.registry_helpers import link_folder, load_replay
from warehouse.classifier import read_rules
from warehouse.evaluation import classify_fields
from warehouse.load import connect_reader

WORKBOOK = "Packungen-2026.01.08.xlsx"
GENE, CELL, TISSUE = (
    "Transplantat: Gentherapieprodukt",
    "Transplantat: Zelltherapieprodukt",
    "Transplantat: Gewebeprodukt",
)
# Swissmedic files these RNA-targeting drugs as gene therapy products; none is a CGT.
OLIGONUCLEOTIDES = {"Onpattro", "Leqvio", "Givlaari", "Oxlumo", "AMVUTTRA", "WAINZUA", "Qalsody"}

# The real header row (row 6): bilingual cells, German first, with the line breaks Swissmedic prints.
HEADER = [
    "Zulassungs-nummer\n\nNuméro d'autorisation\n",
    "Dosisstärke-nummer\n\nNuméro de dosage",
    "Bezeichnung des Arzneimittels\n\n\nDénomination du médicament",
    "Zulassungsinhaberin\n\n\nTitulaire de l'autorisation",
    "Heilmittelcode\n\n\nCatégorie du médicament ",
    "IT-Nummer\n\n\nN°\xa0IT ",
    "ATC-Code\n\n\nCode ATC",
    "Erstzul.datum Arzneimittel\n\nDate de première autorisation du médicament",
    "Zul.datum Dosisstärke \n\nDate d'autorisation du dosage",
    "Gültigkeitsdauer der Zulassung * \n\nDurée de validité de l'AMM  *",
    "Packungscode\n\n\nCode d'emballage",
    "Packungsgrösse\n\n\nConditionnement",
    "Einheit\n\n\nUnité",
    "Abgabekategorie Packung\n\nCat. de remise du conditionnement",
    "Abgabekategorie Dosisstärke \n\nCat. de remise du dosage",
    "Abgabekategorie Arzneimittel\n\nCat. de remise du médicament",
    "Wirkstoff(e)\n\n\nPrincipe(s) actif(s)",
    "Zusammensetzung\n\n\nComposition",
    "Volldeklaration rev. AMZV umgesetzt\n\nDéclaration complète OEMéd rév. implémentée",
    "Anwendungsgebiet Arzneimittel\n\n\nChamp d'application du médicament",
    "Anwendungsgebiet Dosisstärke\n\n\nChamp d'application du dosage",
    "Gentechnisch hergestellte Wirkstoffe\n\nPrincipes actifs produits par génie génétique",
    "Kategorie bei Insulinen\n\n\nCatégorie en cas d'insuline",
    "Verz. bei betäubungsmittel-haltigen Arzneimittel** \nN° du tabl. si médicaments à base de stupéfiants**",
]


def _package(number: int, name: str, category: str, first_authorised: object, substance: str) -> list[object]:
    row: list[object] = [None] * len(HEADER)
    row[0], row[1], row[2], row[3], row[4] = number, 1, name, "Holder AG", category
    row[7], row[16], row[19] = first_authorised, substance, "an indication"
    return row


def _workbook(path: Path, packages: list[list[object]], header: list[str] | None = HEADER) -> Path:
    """A workbook in the real layout: banner rows 1-3 in column D, footnotes on row 5, header on row 6."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Zugelassene Packungen HAM"
    for banner in (
        "Zugelassene Packungen Humanarzneimittel ",
        "Conditionnements autorisés à usage humain",
        "Stand / Etat au: 31.12.2025",
    ):
        sheet.append([None, None, None, banner])
    sheet.append([])
    sheet.append(["* Die Gültigkeitsdauer entspricht den Angaben auf der Zulassungsbescheinigung."])
    if header is not None:
        sheet.append(header)
    for package in packages:
        sheet.append(package)
    workbook.save(path)
    return path


# --- the genuine workbook ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed() -> tuple[ParsedPages, pl.DataFrame]:
    result = swissmedic.parse(duckdb.connect(), [shared_path("samples", "swissmedic", WORKBOOK)])
    approvals = result.tables["approvals"].pl()
    notes = result.tables["regulatory_records"].pl().select("record_id", "note")
    return result, approvals.join(notes, on="record_id")


def test_genuine_list_gives_one_record_per_medicine_of_the_three_categories(parsed) -> None:
    result, approvals = parsed
    assert result.notes == [f"{WORKBOOK}: 17864 packages read, 22 transplant-product medicines"]
    assert result.rows == len(approvals) == approvals["record_id"].n_unique() == 22
    assert dict(approvals.group_by("note").len().iter_rows()) == {
        f"Heilmittelcode: {GENE}": 18,
        f"Heilmittelcode: {CELL}": 3,
        f"Heilmittelcode: {TISSUE}": 1,
    }
    zolgensma = approvals.filter(pl.col("brand_name").str.starts_with("ZOLGENSMA"))
    assert zolgensma["record_id"].to_list() == ["swissmedic:67529"]  # 27 packages, one medicine


def test_kymriah_is_dated_by_its_first_authorisation_in_switzerland(parsed) -> None:
    _, approvals = parsed
    kymriah = approvals.filter(pl.col("brand_name").str.starts_with("Kymriah")).row(0, named=True)
    assert kymriah["approval_date"] == "2018-10-18"
    assert (kymriah["record_id"], kymriah["agency_record_no"]) == ("swissmedic:66778", "66778")
    assert (kymriah["agency"], kymriah["country_code"], kymriah["region"]) == ("SWISSMEDIC", "CH", "Europe")
    assert (kymriah["status"], kymriah["source_kind"]) == ("authorised", "fetched")
    assert kymriah["source_url"] == LIST_PAGE_URL  # no landing manifest: the page that links the list
    assert kymriah["holder"] == "Novartis Pharma Schweiz AG"
    assert kymriah["active_substance"].startswith("tisagenlecleucelum")


def test_every_parsed_row_passes_validation(parsed) -> None:
    result, _ = parsed
    for table, relation in result.tables.items():
        valid, rejected = split_valid(table, relation.pl(), "swissmedic", "test", "record_id")
        assert len(rejected) == 0, rejected.to_dicts()
        assert len(valid) == len(relation.pl())


# --- hand-built workbooks in the real layout ----------------------------------------------------------


def test_a_medicine_is_dated_by_its_earliest_package_and_other_categories_are_skipped(tmp_path: Path) -> None:
    book = _workbook(
        tmp_path / "packages.xlsx",
        [
            _package(450, "FSME-Immun CC", "Impfstoffe", datetime(1979, 8, 6), "virus FSME inactivatus"),
            _package(67000, "Example 10e8", GENE, datetime(2021, 5, 1), "examplegenum"),
            _package(67000, "Example 10e6", GENE, "12.03.2020", "examplegenum"),  # a date typed as text
            _package(58943, "Apligraf", TISSUE, datetime(2015, 4, 16), "human keratinocytes"),
        ],
    )
    result = swissmedic.parse(duckdb.connect(), [book])
    approvals = result.tables["approvals"].pl().sort("record_id")
    assert approvals.select("record_id", "brand_name", "approval_date").rows() == [
        ("swissmedic:58943", "Apligraf", "2015-04-16"),
        ("swissmedic:67000", "Example 10e8", "2020-03-12"),
    ]
    assert result.notes == ["packages.xlsx: 4 packages read, 2 transplant-product medicines"]


def test_a_corrupt_workbook_is_a_damaged_page(tmp_path: Path) -> None:
    whole = _workbook(tmp_path / "whole.xlsx", [_package(1, "A", GENE, datetime(2020, 1, 1), "a")])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:2000])
    with pytest.raises(DamagedPage, match="not a readable xlsx workbook"):
        swissmedic.parse(duckdb.connect(), [cut])


def test_a_workbook_without_the_header_row_says_what_it_looked_for(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "bare.xlsx", [_package(1, "A", GENE, datetime(2020, 1, 1), "a")], header=None)
    with pytest.raises(PageStructureChanged) as error:
        swissmedic.parse(duckdb.connect(), [book])
    assert "header row naming 'Zulassungsnummer' and 'Heilmittelcode'" in str(error.value)
    assert not isinstance(error.value, DamagedPage)


def test_a_renamed_required_column_is_named_with_the_columns_found(tmp_path: Path) -> None:
    header = ["Datum der Erstzulassung" if name.startswith("Erstzul.datum") else name for name in HEADER]
    book = _workbook(tmp_path / "renamed.xlsx", [_package(1, "A", GENE, datetime(2020, 1, 1), "a")], header)
    with pytest.raises(PageStructureChanged) as error:
        swissmedic.parse(duckdb.connect(), [book])
    message = str(error.value)
    assert "the header (row 6) has no column 'Erstzul.datum Arzneimittel'" in message
    assert "'Datum der Erstzulassung'" in message


# --- the live fetch, mocked ---------------------------------------------------------------------------

XLSX_PATH = "/dam/swissmedic/de/dokumente/internetlisten/zugelassene_packungen_ham.xlsx.download.xlsx/"
LIST_PAGE = f"""<html><body><main>
<h2>Arzneimittel</h2>
<ul>
<li><a href="/dam/swissmedic/de/dokumente/internetlisten/zugelassene_packungen_tam.xlsx.download.xlsx/
Packungen_TAM-2026.01.08.xlsx">Zugelassene Packungen Tierarzneimittel (XLSX, 300 kB)</a></li>
<li><a href="{XLSX_PATH}{WORKBOOK}" title="Zugelassene Packungen">Zugelassene Packungen
Humanarzneimittel (XLSX, 3 MB)</a></li>
<li><a href="/dam/swissmedic/de/dokumente/internetlisten/erweiterte_ham.xlsx.download.xlsx/
Erweiterte_Arzneimittelliste_HAM.xlsx">Erweiterte Arzneimittelliste HAM</a></li>
</ul></main></body></html>"""


def test_fetch_finds_the_workbook_on_the_list_page_and_lands_both(tmp_path: Path) -> None:
    genuine = shared_path("samples", "swissmedic", WORKBOOK).read_bytes()
    url = f"https://www.swissmedic.ch{XLSX_PATH}{WORKBOOK}"
    landing = RawLanding(tmp_path / "raw")
    with requests_mock.Mocker() as mock:
        mock.get(LIST_PAGE_URL, text=LIST_PAGE)
        mock.get(url, content=genuine)
        result = swissmedic.fetch(PoliteClient(min_interval=0.0), landing, since=None)
    assert result.pages == 2
    landed = sorted(p.name for p in (tmp_path / "raw").iterdir())
    assert landed == ["manifest.jsonl", "page-0001.html", "page-0002.xlsx"]
    parsed = swissmedic.parse(duckdb.connect(), sorted((tmp_path / "raw").glob(swissmedic.PAGE_GLOB)))
    approvals = parsed.tables["approvals"].pl()
    assert parsed.rows == 22 and set(approvals["source_url"]) == {url}


def test_a_list_page_without_the_packages_link_is_a_structure_change(tmp_path: Path) -> None:
    page = LIST_PAGE.replace("zugelassene_packungen_ham", "packungen_neu")
    with requests_mock.Mocker() as mock:
        mock.get(LIST_PAGE_URL, text=page)
        with pytest.raises(PageStructureChanged, match="has no link matching"):
            swissmedic.fetch(PoliteClient(min_interval=0.0), RawLanding(tmp_path / "raw"), since=None)


def test_a_packages_link_off_swissmedics_site_is_not_followed(tmp_path: Path) -> None:
    page = LIST_PAGE.replace(f'href="{XLSX_PATH}', f'href="https://example.org{XLSX_PATH}')
    with requests_mock.Mocker() as mock:
        mock.get(LIST_PAGE_URL, text=page)
        with pytest.raises(PageStructureChanged, match="off Swissmedic's site"):
            swissmedic.fetch(PoliteClient(min_interval=0.0), RawLanding(tmp_path / "raw"), since=None)


# --- the classifier on Swissmedic's names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "modality", "rule"),
    [
        ("Onpattro 2 mg/ml | patisiranum", "not CGT", "oligonucleotide"),
        ("Leqvio | inclisiranum Jeder ml enthält Inclisiran-Natrium", "not CGT", "oligonucleotide"),
        ("Qalsody | tofersenum", "not CGT", "oligonucleotide"),
        ("Nusinersen intrathecal", "not CGT", "oligonucleotide"),
        ("faeces humanae allogenicae", "not CGT", "faecal_microbiota"),
        ("exagamglogenum autotemcelum", "gene editing", "gene_editing_ex_vivo"),
        ("Casgevy | exagamglogenum autotemcelum", "gene editing", "product_casgevy"),  # brand: product table
        ("Tisagenlecleucel in patients whose disease may worsen", "CAR-T", "car_inn"),  # 'worsen' is no ASO
    ],
)
def test_swissmedic_names_are_classified_even_beside_the_regulator_flag(
    text: str, modality: str, rule: str
) -> None:
    got = classify_fields([("x", "intervention", text), ("x", "flags", "flag:regulator_cgt")])["x"]
    assert (got["modality"], got["modality_rule"]) == (modality, rule)


def test_the_not_cgt_rules_rank_above_the_flags_and_below_every_cgt_rule() -> None:
    order = {row["rule_id"]: n for n, row in enumerate(read_rules().rows)}
    modality = [row for row in read_rules().rows if row["kind"] == "modality"]
    cgt_text_rules = [r["rule_id"] for r in modality if r["field"] != "flags" and r["label"] != "not CGT"]
    flags = [r["rule_id"] for r in modality if r["field"] == "flags"]
    for rule in ("oligonucleotide", "faecal_microbiota"):
        assert max(order[r] for r in cgt_text_rules) < order[rule] < min(order[r] for r in flags)


# --- the warehouse ------------------------------------------------------------------------------------

COUNTED = ("regulatory_records", "approvals", "products", "product_matches", "approval_classification")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list[dict]]]:
    """The genuine list loaded twice from a replay folder linking it: DIR/swissmedic/*.xlsx."""
    root = tmp_path_factory.mktemp("swissmedic")
    replay = link_folder(root, {"swissmedic": [shared_path("samples", "swissmedic", WORKBOOK)]})
    db = root / "atlas.duckdb"
    runs = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(root / "data"))
        for run_id in ("first", "second"):
            changed = load_replay(replay, db, ["swissmedic"], run_id)
            con = connect_reader(db)
            counts = {t: con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in COUNTED}
            con.close()
            runs.append({"changed": changed, "counts": counts})
    yield replay, db, runs


def test_swissmedic_is_registered_and_a_rerun_changes_nothing(warehouse) -> None:
    _, db, (first, second) = warehouse
    assert SOURCES["swissmedic"] is swissmedic
    assert first["changed"] == {"swissmedic": {"changed": 22, "loaded": 22}}
    assert second["changed"] == {"swissmedic": {"changed": 0, "loaded": 22}}
    assert second["counts"] == first["counts"]
    con = connect_reader(db)
    assert con.sql("SELECT count(*) FROM approvals WHERE run_id = 'second'").fetchall() == [(0,)]
    con.close()


def test_no_sirna_or_antisense_drug_counts_as_cgt(warehouse) -> None:
    _, db, _ = warehouse
    con = connect_reader(db)
    rows = con.sql(
        """
        SELECT split_part(regexp_replace(a.brand_name, '[®,]', ' ', 'g'), ' ', 1) AS brand, r.note,
            a.approval_date, c.is_cgt, c.modality
        FROM approvals AS a
        JOIN regulatory_records AS r USING (record_id)
        JOIN approval_classification AS c USING (approval_id)
        WHERE a.agency = 'SWISSMEDIC'
        """
    ).pl()
    con.close()
    assert not rows.filter(pl.col("brand").is_in(list(OLIGONUCLEOTIDES)))["is_cgt"].any()
    cgt = rows.filter("is_cgt").sort("approval_date")
    assert cgt.select("brand", "approval_date").rows() == [
        ("Apligraf", "2015-04-16"),
        ("Imlygic", "2016-07-13"),
        ("Kymriah", "2018-10-18"),
        ("Yescarta", "2019-04-17"),
        ("Luxturna", "2020-02-14"),
        ("ZOLGENSMA", "2021-06-28"),
        ("Abecma", "2021-08-20"),
        ("Tecartus", "2021-08-25"),
        ("Breyanzi", "2022-03-28"),
        ("Carvykti", "2022-08-08"),
        ("Hemgenix", "2023-12-07"),
        ("Ebvallo", "2024-05-03"),
        ("Casgevy", "2024-09-06"),
    ]
    assert dict(rows.group_by("is_cgt").len().iter_rows()) == {True: 13, False: 9}
