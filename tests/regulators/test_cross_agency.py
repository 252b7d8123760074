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
            "SELECT agency, approval_date FROM mart_regulatory_lag_by_agency WHERE display_name = 'Kymriah'"
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


def test_every_swissmedic_cgt_product_fda_or_ema_approved_is_one_product_with_theirs(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Swissmedic prints Latin INNs (and once a misspelt one: "brexucaptagenum autoleucelum"): every
    Swissmedic CGT approval whose brand FDA or EMA also approved joins their product, by a rule."""
    pairs = warehouse.sql(
        """
        WITH brands AS (
            SELECT matches.product_id, decisions.agency, decisions.record_id,
                lower(split_part(display_brand(decisions.brand_name), ' ', 1)) AS brand
            FROM product_matches AS matches
            JOIN stg_regulatory_decisions AS decisions USING (record_id)
            JOIN products USING (product_id)
            WHERE decisions.record_kind = 'approval' AND products.is_cgt
        )
        SELECT swiss.brand, count(*) FILTER (WHERE other.product_id <> swiss.product_id) AS apart
        FROM brands AS swiss
        JOIN brands AS other ON other.brand = swiss.brand AND other.agency IN ('FDA', 'EMA')
        WHERE swiss.agency = 'SWISSMEDIC'
        GROUP BY swiss.brand
        """
    ).fetchall()
    apart = {brand: count for brand, count in pairs}
    assert {"tecartus", "kymriah", "yescarta", "abecma", "casgevy", "hemgenix"} <= apart.keys()
    assert len(apart) >= 12
    assert {brand: count for brand, count in apart.items() if count} == {}
    [(display, agencies)] = warehouse.sql(
        "SELECT display_name, agencies FROM products WHERE brand_names ILIKE '%tecartus%'"
    ).fetchall()
    assert (display, agencies) == ("Tecartus", "EMA, FDA, HC, NMPA, SWISSMEDIC")


def test_cgt_counts_leave_out_the_sirna_drugs_and_count_tecartus_once(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Issue 19: Europe's new CGT products of 2021 are Skysona and Abecma; Switzerland's are 13."""
    europe_2021 = warehouse.sql(
        "SELECT new_products, product_names FROM mart_approvals "
        "WHERE region = 'Europe' AND approval_year = 2021"
    ).fetchall()
    assert europe_2021 == [(2, "Abecma; Skysona")]
    swiss = warehouse.sql("SELECT count(*) FROM product_first_approvals WHERE country_code = 'CH'").fetchall()
    assert swiss == [(13,)]
    not_cgt_anywhere = warehouse.sql(
        "SELECT count(*) FROM product_first_approvals JOIN products USING (product_id) WHERE NOT is_cgt"
    ).fetchall()
    assert not_cgt_anywhere == [(0,)]


def test_unbranded_cord_blood_licences_are_products_named_by_their_holder(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    names = {
        name
        for (name,) in warehouse.sql(
            "SELECT display_name FROM products JOIN product_matches USING (product_id) "
            "WHERE record_id IN ('fda_purplebook:125391', 'fda_purplebook:125585', 'fda_purplebook:125657')"
        ).fetchall()
    }
    assert names == {
        "HPC, Cord Blood (Clinimmune Labs)",
        "HPC, Cord Blood (Bloodworks)",
        "Hematopoietic Progenitor Cells, Cord (HPC-C) (MD Anderson Cord Blood Bank)",
    }


def test_fda_approvals_come_from_the_purple_book(warehouse: duckdb.DuckDBPyConnection) -> None:
    fetched = warehouse.sql(
        "SELECT count(*) FROM stg_regulatory_decisions WHERE agency = 'FDA' AND source_kind = 'fetched'"
    ).fetchall()[0][0]
    assert fetched >= 34


def test_source_disagreements_are_listed_with_both_values_and_how_they_were_settled(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Abecma: the Purple Book lists 2021-03-03, its orphan exclusivity to 2028-03-26 implies 2021-03-26,
    which the curated row gives: that date is used, and why is recorded. Roctavian: the file's date stands."""
    rows = {
        display: (kept, other, resolved, resolution, reason)
        for display, kept, other, resolved, resolution, reason in warehouse.sql(
            "SELECT display_name, kept_value, other_value, resolved_value, resolution, reason "
            "FROM mart_source_disagreements WHERE agency = 'FDA' AND field = 'decision_date'"
        ).fetchall()
    }
    assert rows["Abecma"][:4] == ("2021-03-03", "2021-03-26", "2021-03-26", "implied_and_corroborated")
    assert "imply 2021-03-26" in rows["Abecma"][4]
    assert rows["Roctavian"][:4] == ("2023-06-29", "2023-06-30", "2023-06-29", "precedence")
    assert warehouse.sql(
        "SELECT fda_approval_date FROM mart_regulatory_lag WHERE display_name = 'Abecma'"
    ).fetchall() == [("2021-03-26",)]
    agreeing = warehouse.sql(
        "SELECT count(*) FROM mart_source_disagreements WHERE starts_with(kept_value, other_value) "
        "OR starts_with(other_value, kept_value) OR other_value = 'unknown'"
    ).fetchall()
    assert agreeing == [(0,)], "a shorter form of the same date, or no status at all, is no disagreement"
