"""FDA site sources: drug establishment registrations (txt, zip or xlsx) and Data Dashboard compliance
actions (CSV or xlsx with banner lines): parsed by their contract's column names, refused whole when a
file is not what the contract says, and on the genuine samples loaded in full and matched to CGT
organisations (establishment_matches) and cell-product enforcement (mart_cell_product_enforcement)."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
import requests_mock as rm
from conftest import FIXTURES, shared_path
from helpers import query, scalar
from registry_helpers import link_folder, load_replay

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding, page_files
from cgt_atlas.sources import get_source
from cgt_atlas.sources.fda_establishments.settings import DOWNLOAD_URL
from cgt_atlas.staging import split_valid

REGISTER_TXT = FIXTURES / "fda_establishments" / "drls_reg.txt"
COMPLIANCE_CSV = FIXTURES / "fda_compliance" / "compliance_actions.csv"
SAMPLE_XLSX = ("samples", "fda_establishments", "drls_reg_2025-07-25_no_contacts.xlsx")
SAMPLE_COMPLIANCE = ("samples", "fda_dashboard", "compliance_actions_2024-06.csv")


def parsed(source: str, pages: list[Path]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid rows, quarantine rows) of the source's one table."""
    module = get_source(source)
    relation = module.parse(duckdb.connect(), pages).tables[module.TABLES[0]]
    return split_valid(module.TABLES[0], relation.pl(), source, "test", module.ENTITY_KEY)


def text_rows(path: Path, delimiter: str) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [[cell.strip() for cell in row] for row in csv.reader(handle, delimiter=delimiter)]


def as_xlsx(rows: list[list[str]], path: Path, banner: list[str] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in banner:
        sheet.append([line])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# -- fda_establishments: the txt, its zip and its xlsx export read alike ------------------------


def test_register_txt_parses_every_row_with_its_country_state_and_operations() -> None:
    valid, quarantined = parsed("fda_establishments", [REGISTER_TXT])
    assert len(quarantined) == 0
    rows = {row["duns_number"]: row for row in valid.to_dicts()}
    assert len(rows) == 5
    us = rows["123456789"]
    assert us["establishment_id"] == "fda_establishments:3005123456:123456789"
    assert (us["country_code"], us["region"], us["us_state_code"]) == ("US", "North America", "IL")
    assert us["operations"] == ["ANALYSIS", "MANUFACTURE"]
    assert us["expiration_date"] == "2025-12-31"
    korea = rows["695000001"]
    assert korea["fei_number"] is None  # "0000000" is not an FEI
    assert korea["establishment_id"] == "fda_establishments:nofei:695000001"
    assert (korea["country_iso3"], korea["country_code"], korea["country_rule"]) == (
        "KOR",
        "KR",
        "alpha-3 code",
    )
    czech = rows["495000001"]  # an address without its "(CZE)": the country name decides
    assert (czech["country_code"], czech["country_rule"]) == ("CZ", "country name")
    # one FEI, two sites (two DUNS): two establishments
    assert {rows["800000001"]["fei_number"], rows["800000002"]["fei_number"]} == {"1000000001"}
    assert "ESTABLISHMENT_CONTACT_NAME" not in " ".join(valid.columns).upper()


def test_register_reads_the_same_from_txt_zip_and_xlsx(tmp_path: Path) -> None:
    archive = tmp_path / "drls_reg.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(REGISTER_TXT, "drls_reg.txt")
    header, *rows = text_rows(REGISTER_TXT, "\t")
    workbook = as_xlsx([header[:-1], *[row[:-1] for row in rows]], tmp_path / "drls_reg.xlsx")
    frames = [
        parsed("fda_establishments", [page])[0].drop("fetch_seq")
        for page in (REGISTER_TXT, archive, workbook)
    ]
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])


def test_two_rows_of_one_fei_and_duns_are_both_quarantined(tmp_path: Path) -> None:
    lines = REGISTER_TXT.read_text(encoding="utf-8").splitlines(keepends=True)
    page = tmp_path / "drls_reg.txt"
    page.write_text("".join([*lines, lines[1].replace("ANALYSIS; MANUFACTURE", "PACK")]), encoding="utf-8")
    valid, quarantined = parsed("fda_establishments", [page])
    assert len(valid) == 4
    assert set(quarantined.get_column("check_name")) == {"establishment_id:one_row_per_establishment"}
    assert set(quarantined.get_column("entity_key")) == {"fda_establishments:3005123456:123456789"}


@pytest.mark.parametrize(
    ("damage", "error", "says"),
    [
        (lambda text: text.replace("FIRM_NAME", "FIRM"), PageStructureChanged, "missing 'FIRM_NAME'"),
        (lambda text: text[: text.rindex("Plain Generics") + 5], DamagedPage, "cut short"),
        (lambda text: "<html><body>Not found</body></html>", PageStructureChanged, "no header row"),
    ],
    ids=["wrong header", "truncated", "an HTML page"],
)
def test_a_register_file_that_is_not_the_contract_is_refused_whole(
    tmp_path: Path, damage, error: type[Exception], says: str
) -> None:
    page = tmp_path / "drls_reg.txt"
    page.write_text(damage(REGISTER_TXT.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(error, match=says):
        parsed("fda_establishments", [page])


@pytest.mark.parametrize("suffix", [".zip", ".xlsx"])
def test_a_cut_short_zip_or_workbook_is_refused(tmp_path: Path, suffix: str) -> None:
    archive = tmp_path / f"whole{suffix}"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        handle.write(REGISTER_TXT, "drls_reg.txt")
    cut = tmp_path / f"drls_reg{suffix}"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(DamagedPage, match="not a readable"):
        parsed("fda_establishments", [cut])


def test_a_zip_without_drls_reg_txt_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "drls_reg.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "nothing here")
    with pytest.raises(PageStructureChanged, match="drls_reg"):
        parsed("fda_establishments", [archive])


# -- fda_compliance: CSV, or xlsx with banner lines above the header ------------------------------


def test_compliance_csv_and_xlsx_with_banner_lines_read_alike(tmp_path: Path) -> None:
    rows = text_rows(COMPLIANCE_CSV, ",")
    workbook = as_xlsx(
        rows, tmp_path / "export.xlsx", banner=["Compliance Actions", "Exported 2024-06-30", ""]
    )
    from_csv = parsed("fda_compliance", [COMPLIANCE_CSV])[0]
    from_xlsx = parsed("fda_compliance", [workbook])[0]
    assert from_csv.drop("fetch_seq").equals(from_xlsx.drop("fetch_seq"))
    liveyon = from_csv.filter(pl.col("fei_number") == "3015381220").to_dicts()[0]
    assert liveyon["action_id"] == "fda_compliance:590001:3015381220"
    assert (liveyon["state"], liveyon["country_code"], liveyon["action_date"]) == (
        "California",
        "US",
        "2019-12-05",
    )
    blank = from_csv.filter(pl.col("case_id") == "673001").to_dicts()[0]
    assert (blank["state"], blank["country"], blank["country_code"]) == (None, None, None)  # "-" is no value


def test_an_action_in_a_country_no_table_knows_is_quarantined_with_its_name(tmp_path: Path) -> None:
    page = tmp_path / "export.csv"
    page.write_text(
        COMPLIANCE_CSV.read_text(encoding="utf-8").replace("-,India,Drugs", "-,Atlantis,Drugs"),
        encoding="utf-8",
    )
    valid, quarantined = parsed("fda_compliance", [page])
    assert len(valid) == 6
    (row,) = quarantined.to_dicts()
    assert row["check_name"] == "country_code:country_is_known" and "Atlantis" in row["record"]


def test_a_compliance_export_without_its_columns_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "export.csv"
    page.write_text(
        COMPLIANCE_CSV.read_text(encoding="utf-8").replace("Action Type", "Kind"), encoding="utf-8"
    )
    with pytest.raises(PageStructureChanged, match="missing 'Action Type'"):
        parsed("fda_compliance", [page])
    not_a_workbook = tmp_path / "export.xlsx"
    not_a_workbook.write_bytes(b"this is not a workbook")
    with pytest.raises(DamagedPage, match="not a readable xlsx"):
        parsed("fda_compliance", [not_a_workbook])


def test_cell_product_enforcement_on_the_fixture(tmp_path: Path) -> None:
    replay = link_folder(tmp_path, {"fda_compliance": [COMPLIANCE_CSV]})
    db = tmp_path / "atlas.duckdb"
    load_replay(replay, db, ["fda_compliance"], "fixture-run")
    kept = dict(
        query(db, "SELECT legal_name, cell_product_basis FROM compliance_cell_products WHERE is_cell_product")
    )
    assert kept == {"Liveyon Labs Inc": "curated firm", "US Stem Cell Clinic LLC": "name pattern"}
    categories = dict(query(db, "SELECT legal_name, category FROM compliance_cell_products"))
    assert categories["Example Fertility Center, PC"] == "reproductive tissue"
    assert categories["Example Blood Center"] == "blood or plasma"
    assert "Example Regenerative Solutions" not in categories  # a Devices action: not a biologic
    assert query(db, 'SELECT "year", state, action_type, actions FROM mart_cell_product_enforcement') == [
        (2019, "California", "Warning Letter", 1),
        (2019, "Florida", "Injunction", 1),
    ]


# -- the genuine samples ------------------------------------------------------------------------


def test_genuine_register_loads_all_10439_rows_each_with_a_region() -> None:
    valid, quarantined = parsed("fda_establishments", [shared_path(*SAMPLE_XLSX)])
    assert (len(valid), len(quarantined)) == (10_439, 0)
    assert valid.get_column("region").null_count() == 0
    assert valid.get_column("establishment_id").n_unique() == 10_439
    assert (
        valid.filter(pl.col("country_rule") == "country name").height == 1
    )  # NOVAVAX CZ's address lacks "(CZE)"


def test_genuine_compliance_export_loads_whole() -> None:
    valid, quarantined = parsed("fda_compliance", [shared_path(*SAMPLE_COMPLIANCE)])
    assert (len(valid), len(quarantined)) == (4_233, 0)
    assert valid.filter(pl.col("product_type") == "Biologics").height == 182


@pytest.fixture(scope="module")
def genuine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The replay's ClinicalTrials.gov and EMA files, the curated seeds and the two FDA samples."""
    folder = tmp_path_factory.mktemp("fda_sites")
    replay = folder / "replay"
    for source in ("ctgov", "ema"):
        (replay / source).mkdir(parents=True)
        for page in shared_path("replay", source).iterdir():
            (replay / source / page.name).symlink_to(page)
    for source, parts in (("fda_establishments", SAMPLE_XLSX), ("fda_compliance", SAMPLE_COMPLIANCE)):
        (replay / source).mkdir()
        (replay / source / parts[-1]).symlink_to(shared_path(*parts))
    db = folder / "atlas.duckdb"
    load_replay(
        replay,
        db,
        ["ctgov", "ema", "curated", "organisations", "fda_establishments", "fda_compliance"],
        "genuine",
    )
    return db


def test_genuine_matches_are_sure_or_reviewed_never_silently_accepted(genuine_db: Path) -> None:
    assert scalar(genuine_db, "SELECT count(*) FROM establishments WHERE region IS NULL") == 0
    unsure = scalar(genuine_db, "SELECT count(*) FROM establishment_matches WHERE confidence = 'unsure'")
    assert unsure > 0
    assert scalar(genuine_db, "SELECT count(*) FROM establishment_match_review") == unsure
    assert (
        scalar(
            genuine_db,
            "SELECT count(*) FROM establishment_matches WHERE confidence = 'unsure' AND counts_as_cgt_site",
        )
        == 0
    )
    assert (
        scalar(
            genuine_db,
            "SELECT count(*) FROM establishment_matches "
            "WHERE match_kind = 'token prefix' AND confidence = 'sure'",
        )
        == 0
    )
    # Kite's registered sites match the Kite licence holder on the firm name itself
    kite = query(
        genuine_db,
        "SELECT DISTINCT confidence, match_kind FROM establishment_matches "
        "WHERE organisation_key(firm_name) = 'kite pharma' AND organisation_id = 'kite pharma'",
    )
    assert kite == [("sure", "exact key")]
    assert scalar(genuine_db, "SELECT count(*) FROM establishment_matches WHERE is_best_match") == scalar(
        genuine_db, "SELECT count(DISTINCT establishment_id) FROM establishment_matches"
    )


def test_genuine_sites_carry_the_compliance_actions_on_their_fei(genuine_db: Path) -> None:
    assert scalar(
        genuine_db,
        "SELECT count(*) FROM establishment_matches WHERE counts_as_cgt_site AND fda_compliance_actions > 0",
    ) == scalar(
        genuine_db,
        "SELECT count(DISTINCT (m.establishment_id, m.organisation_id)) FROM establishment_matches AS m "
        "JOIN compliance_actions USING (fei_number) WHERE m.counts_as_cgt_site",
    )


def test_genuine_cell_product_enforcement(genuine_db: Path) -> None:
    assert scalar(genuine_db, "SELECT sum(actions) FROM mart_cell_product_enforcement") == scalar(
        genuine_db, "SELECT count(*) FROM compliance_cell_products WHERE is_cell_product"
    )
    included = {
        name
        for (name,) in query(
            genuine_db, "SELECT legal_name FROM compliance_cell_products WHERE is_cell_product"
        )
    }
    assert {
        "Liveyon Labs Inc",
        "Kimera Labs Inc",
        "US Stem Cell Clinic, LLC",
        "Utah Cord Bank LLC",
    } <= included
    excluded = dict(
        query(
            genuine_db, "SELECT legal_name, category FROM compliance_cell_products WHERE NOT is_cell_product"
        )
    )
    assert excluded["Westlake IVF, LLC"] == "reproductive tissue"
    assert excluded["OneBlood, Inc."] == "blood or plasma"


# -- fetching: the live zip, and the hand-in inbox -------------------------------------------------


def test_live_fetch_lands_the_zip_and_it_parses(tmp_path: Path) -> None:
    archive = tmp_path / "drls_reg.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(REGISTER_TXT, "drls_reg.txt")
    landing = RawLanding(tmp_path / "landed")
    with rm.Mocker() as mock:
        mock.get(DOWNLOAD_URL, content=archive.read_bytes())
        get_source("fda_establishments").fetch(PoliteClient(), landing, since=None)
    (page,) = page_files(landing.folder, "*")
    assert page.suffix == ".zip"
    assert len(parsed("fda_establishments", [page])[0]) == 5


def test_live_fetch_refuses_an_html_answer_but_keeps_it(tmp_path: Path) -> None:
    landing = RawLanding(tmp_path / "landed")
    with rm.Mocker() as mock, pytest.raises(PageStructureChanged, match="did not answer with a zip"):
        mock.get(DOWNLOAD_URL, text="<html>Site maintenance</html>")
        get_source("fda_establishments").fetch(PoliteClient(sleep=lambda _: None), landing, since=None)
    assert landing.pages == 1


def test_compliance_fetch_lands_the_inbox_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "compliance_actions.csv").write_bytes(COMPLIANCE_CSV.read_bytes())
    (inbox / "notes.md").write_text("not an export", encoding="utf-8")
    monkeypatch.setenv("CGT_ATLAS_FDA_COMPLIANCE_INBOX", str(inbox))
    landing = RawLanding(tmp_path / "landed")
    get_source("fda_compliance").fetch(PoliteClient(), landing, since=None)
    (page,) = page_files(landing.folder, "*")
    assert page.read_bytes() == COMPLIANCE_CSV.read_bytes() and page.suffix == ".csv"


def test_every_curated_cell_product_firm_names_an_https_page_and_an_action_on_the_sample(
    genuine_db: Path,
) -> None:
    model = (Path(__file__).parents[1] / "warehouse/models/marts/compliance_cell_products.sql").read_text()
    urls = set(re.findall(r"'(\w+://[^']+)'", model))
    assert len(urls) >= 9 and all(url.startswith("https://") for url in urls)
    cited = {
        url
        for (evidence,) in query(
            genuine_db,
            "SELECT evidence FROM compliance_cell_products WHERE cell_product_basis = 'curated firm'",
        )
        for url in re.findall(r"\((https://\S+)\)$", evidence)
    }
    assert cited == urls  # no curated firm is dead weight on the genuine export
