"""Every regulator together, from the genuine files: first approval anywhere, matching across agencies
(Latin INNs, an INN in brackets), what counts as CGT, and the figures issue 9 names."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from registry_helpers import link_folder, load_replay

from tests.conftest import shared_path
from warehouse.load import connect_reader

REGULATORS = ["ema", "fda_purplebook", "healthcanada", "swissmedic", "curated"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("regulators")
    replay = link_folder(
        folder,
        {
            "ema": sorted(shared_path("replay", "ema").glob("*.xlsx")),
            "fda_purplebook": sorted(shared_path("samples", "fda_purplebook").glob("*.csv")),
            "healthcanada": sorted(shared_path("samples", "healthcanada").glob("*.zip")),
            "swissmedic": sorted(shared_path("samples", "swissmedic").glob("*.xlsx")),
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(folder / "data"))
        load_replay(replay, folder / "atlas.duckdb", REGULATORS, "all-regulators")
    con = connect_reader(folder / "atlas.duckdb")
    yield con
    con.close()


def _first(con: duckdb.DuckDBPyConnection, brand: str) -> tuple:
    return con.execute(
        "SELECT first_agency, first_date FROM mart_regulatory_lag WHERE brand_names ILIKE ?", [f"%{brand}%"]
    ).fetchall()


def test_first_approval_anywhere_spans_every_agency(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert _first(warehouse, "casgevy") == [("MHRA", "2023-11-16")]
    assert _first(warehouse, "prochymal") == [("HC", "2012-05-15")], "remestemcel-L: Canada, 2012"
    assert _first(warehouse, "provenge") == [("FDA", "2010-04-29")], (
        "EMA's Provenge joins FDA's by sipuleucel-T"
    )


def test_kymriah_is_one_product_across_five_agencies(warehouse: duckdb.DuckDBPyConnection) -> None:
    dates = dict(
        warehouse.sql(
            "SELECT agency, approval_date FROM mart_regulatory_lag_by_agency WHERE display_name = "
            "'Kymriah (tisagenlecleucel)'"
        ).fetchall()
    )
    assert dates["FDA"] == "2017-08-30" and dates["HC"] == "2018-09-05"
    assert dates["SWISSMEDIC"] == "2018-10-18", "Swissmedic's Latin INN (tisagenlecleucelum) matches"
    assert {"EMA", "PMDA"} <= set(dates)


def test_a_brand_with_a_fuller_substance_elsewhere_stays_one_product(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """EMA's MACI is "autologous cultured chondrocytes", FDA's MACI the same "on porcine collagen
    membrane", and FDA's older Carticel is "Autologous Cultured Chondrocytes": the brand and the fuller
    substance make MACI one product across both agencies, and Carticel stays apart (matching on the bare
    substance merged EMA's MACI into Carticel)."""
    products = dict(
        warehouse.sql(
            "SELECT brand_names, agencies FROM products "
            "WHERE brand_names ILIKE '%maci%' OR brand_names ILIKE '%carticel%'"
        ).fetchall()
    )
    assert products == {"Maci": "EMA, FDA", "Carticel Sm Service": "FDA"}
    [(matched_on,)] = warehouse.sql(
        "SELECT matched_on FROM product_matches WHERE record_id = 'ema:EMEA/H/C/002522'"
    ).fetchall()
    assert matched_on == "brand_and_substance"


def test_sirna_drugs_swissmedic_files_as_gene_therapy_are_not_cgt(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    not_cgt = {
        name.split()[0].strip(",").lower()
        for (name,) in warehouse.sql("SELECT brand_names FROM products WHERE NOT is_cgt").fetchall()
    }
    assert {"onpattro", "leqvio", "givlaari", "oxlumo", "amvuttra®", "wainzua", "qalsody"} <= not_cgt
    in_marts = warehouse.sql(
        "SELECT count(*) FROM mart_regulatory_lag WHERE brand_names ILIKE '%onpattro%' OR brand_names ILIKE "
        "'%leqvio%'"
    ).fetchall()[0][0]
    assert in_marts == 0


def test_fda_approvals_come_from_the_purple_book(warehouse: duckdb.DuckDBPyConnection) -> None:
    fetched = warehouse.sql(
        "SELECT count(*) FROM stg_regulatory_decisions WHERE agency = 'FDA' AND source_kind = 'fetched'"
    ).fetchall()[0][0]
    assert fetched >= 34
