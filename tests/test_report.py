"""The offline report: one HTML file of static SVG charts, with its scope, a map and no network reference."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cgt_atlas import charts
from cgt_atlas.landing import new_run_id
from cgt_atlas.report import MEASURED_QUALITY, build_report, sample_note
from tests.conftest import shared_path
from tests.helpers import small_warehouse
from tests.registry_helpers import load_replay

CHART_TITLES = (
    "CGT trials by country",
    "CGT trials by phase",
    "CGT trials started per year",
    "Share of CGT trials started each year by modality",
    "Top 15 countries",
    "Top 15 parent sponsors by CGT trials",
    "CGT approvals per year by agency",
    "Days from FDA approval to EMA or PMDA approval",
    "Approved CGT products with a commercial manufacturing site in the country",
    "Approved CGT products by where patients get them",
    "Estimated patients treated per year in CGT trials (estimate)",
)


def assert_offline_report(page: str) -> None:
    """What every report must be: self-contained, scoped, mapped, every chart titled."""
    assert "<script" not in page.lower() and "<link" not in page.lower()
    # the only URLs are SVG's XML namespaces: nothing is fetched, no script or stylesheet reference
    urls = set(re.findall(r"https?://[^\s'\"<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?\s*(?:https?:)?//""", page, re.I)
    assert "<h2>Scope and method</h2>" in page and "What is not counted" in page
    assert "precision 0.979 and recall 0.953" in page
    # the quoted figures belong to the rules the warehouse was built with (rules 2026.12.7: unchanged figures)
    assert f"Measured quality of rules {MEASURED_QUALITY[0]}:" in page
    # the searches a live refresh sends, read from the source modules (so they cannot drift from the fetch)
    assert "Registry searches" in page and "filter.advanced=AREA[StudyType]INTERVENTIONAL" in page
    assert "searchCriteria.containAny=gene therapy" in page
    assert re.search(r"<section id='world-map'>.*?<svg", page, re.S)
    for title in CHART_TITLES:
        assert title in page, title


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_warehouse(tmp_path_factory.mktemp("report"))


def test_the_report_builds_on_a_small_warehouse(small_db: Path) -> None:
    assert_offline_report(build_report(small_db))


def test_the_map_joins_countries_by_iso_numeric_code_from_vendored_geometry() -> None:
    topology = charts.world_topology()
    ids = {shape["id"] for shape in topology["objects"]["countries"]["geometries"] if "id" in shape}
    assert {charts.iso_numeric(code) for code in ("US", "CN", "DE", "JP", "BR")} <= ids
    assert charts.iso_numeric("XK") is None  # Kosovo has no ISO numeric code: left off the map, not an error
    assert (charts.GEO_DIR / "LICENSE.world-atlas").exists()


def test_the_report_builds_on_the_replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replay = shared_path("replay")
    monkeypatch.setenv("CGT_ATLAS_DATA", str(tmp_path))
    db = tmp_path / "atlas.duckdb"
    load_replay(replay, db, ["ctgov", "euctr", "ictrp", "ema", "curated"], new_run_id())
    page = build_report(db)
    assert_offline_report(page)
    # product names as people read them: brand names as written, not capitals or lower-case INNs alone
    assert "Kymriah" in page and "KYMRIAH" not in page
    # the headline says the replay is a sample of one query, and the sources paragraph is what was loaded
    assert "A replayed sample, not the registries in full" in page
    assert re.search(r"\d+% of its counted trials are CAR-T: it is a CAR-T-query sample", page)
    sources = re.search(r"<p><b>Sources\.</b>(.*?)</p>", page, re.S).group(1)
    assert "ClinicalTrials.gov API v2 (2,274 records, replay)" in sources
    assert "Swissmedic authorised packages" in sources.split("Not loaded here:")[1]
    assert "Phase 1/2" in page and "PHASE1/PHASE2" not in page


def test_year_axes_keep_every_year_and_lines_drop_to_zero() -> None:
    rows = [{"year": 2007, "region": "Europe", "trials": 2}, {"year": 2009, "region": "Europe", "trials": 1}]
    assert charts.every_year(rows) == [2007, 2008, 2009]
    filled = charts.fill_years(rows, "region", "trials")
    assert [(row["year"], row["trials"]) for row in filled] == [(2007, 2), (2008, 0), (2009, 1)]
    spec = charts.stacked_years(rows, "region", "trials", "t", "trials", partial_year=2009).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [2007, 2008, 2009]
    assert "2009 partial" in json.dumps(spec)


def test_the_sample_note_appears_only_for_replayed_registries() -> None:
    live = [{"source": "ctgov", "mode": "live"}, {"source": "ema", "mode": "replay"}]
    assert sample_note(live, [("CAR-T", 9)]) == ""
    replay = [{"source": "ctgov", "mode": "replay"}]
    assert "CAR-T-query sample" in sample_note(replay, [("CAR-T", 9), ("TCR-T", 1)])
    assert "query sample" not in sample_note(replay, [("CAR-T", 4), ("TCR-T", 3), ("AAV gene therapy", 3)])
