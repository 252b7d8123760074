"""FDA scraper on its hand-written fixture (no genuine capture exists), a changed page, and a mocked crawl."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
import requests_mock

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources import fda_cgt
from cgt_atlas.sources.fda_cgt.settings import INDEX_URL
from cgt_atlas.staging import split_valid
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "fda_cgt"


def _pages(folder: Path = FIXTURE) -> list[Path]:
    return sorted(folder.glob("page-*.html"))


def test_fixture_parses_into_approvals_with_the_earliest_letter_as_approval_date() -> None:
    parsed = fda_cgt.parse(duckdb.connect(), _pages())
    assert (parsed.rows, parsed.reported_total) == (3, 3)
    approvals = parsed.tables["approvals"].pl().sort("fetch_seq")
    assert approvals.select("brand_name", "approval_date", "agency_record_no").rows() == [
        ("BREYANZI", "2021-02-05", "125714"),
        ("CASGEVY", "2023-12-08", "125787"),
        ("REGENECYTE", "2024-11-20", "125764"),
    ]
    casgevy = approvals.filter(pl.col("brand_name") == "CASGEVY").row(0, named=True)
    assert casgevy["active_substance"] == "exagamglogene autotemcel"
    assert casgevy["common_name"] == "exa-cel [exagamglogene autotemcel]"
    assert casgevy["source_url"] == "https://www.fda.gov/vaccines-blood-biologics/casgevy"
    breyanzi = approvals.row(0, named=True)
    assert breyanzi["holder"] == "Juno Therapeutics, Inc., a Bristol-Myers Squibb Company"
    assert breyanzi["indication"].endswith("systemic therapy & more")
    assert approvals["indication"].null_count() == 0
    for table, relation in parsed.tables.items():
        assert not len(split_valid(table, relation.pl(), "fda_cgt", "t", "record_id")[1])


def test_an_index_page_without_the_roster_headers_is_a_structure_change(tmp_path: Path) -> None:
    page = tmp_path / "page-0001.html"
    text = (FIXTURE / "page-0001.html").read_text(encoding="utf-8")
    page.write_text(text.replace("Product &amp; Trade Name", "Product"), encoding="utf-8")
    with pytest.raises(PageStructureChanged, match="FDA page structure changed"):
        fda_cgt.helpers.read_roster(fda_cgt.helpers.BeautifulSoup(page.read_text(), "html.parser"), "x")


def test_an_empty_roster_is_an_error_never_an_empty_success(tmp_path: Path) -> None:
    html = "<table><tr><th>Product &amp; Trade Name</th><th>Manufacturer</th></tr></table>"
    with pytest.raises(PageStructureChanged, match="no product rows"):
        fda_cgt.helpers.read_roster(fda_cgt.helpers.BeautifulSoup(html, "html.parser"), "x")


def test_a_product_page_that_lost_its_letters_is_quarantined_not_loaded(tmp_path: Path) -> None:
    for page in [*_pages(), FIXTURE / "manifest.jsonl"]:
        shutil.copy(page, tmp_path / page.name)
    (tmp_path / "page-0004.html").write_text("<html><h1>Page Not Found</h1></html>", encoding="utf-8")
    parsed = fda_cgt.parse(duckdb.connect(), _pages(tmp_path))
    valid, rejected = split_valid("approvals", parsed.tables["approvals"].pl(), "fda_cgt", "t", "record_id")
    assert len(valid) == 2
    checks = {name.split(":")[-1] for name in rejected["check_name"]}
    assert checks == {"names_the_product", "agency_rows_carry_their_date"}
    assert set(rejected["entity_key"]) == {"fda_cgt:regenecyte-hpc-cord-blood"}


def test_fetch_walks_the_roster_then_each_product_page_one_crawl_delay_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_FDA_CRAWL_DELAY", "30")
    waits: list[float] = []
    now = [0.0]
    client = PoliteClient(min_interval=0.0, sleep=waits.append, clock=lambda: now[0])
    landing = RawLanding(tmp_path / "raw")
    with requests_mock.Mocker() as mock:
        mock.get(INDEX_URL, content=(FIXTURE / "page-0001.html").read_bytes())
        base = "https://www.fda.gov/vaccines-blood-biologics/"
        for path, page in [
            ("cellular-gene-therapy-products/breyanzi-lisocabtagene-maraleucel", "page-0002.html"),
            ("casgevy", "page-0003.html"),
            ("regenecyte-hpc-cord-blood", "page-0004.html"),
        ]:
            mock.get(base + path, content=(FIXTURE / page).read_bytes())
        result = fda_cgt.fetch(client, landing, since=None)
    assert (result.pages, result.rows, result.reported_total) == (4, 3, 3)
    assert waits == [30.0, 30.0, 30.0]  # the clock stands still, so each wait is the whole delay
    parsed = fda_cgt.parse(duckdb.connect(), sorted((tmp_path / "raw").glob("*.html")))
    assert parsed.tables["approvals"].pl()["source_url"].str.starts_with("https://www.fda.gov/").all()
