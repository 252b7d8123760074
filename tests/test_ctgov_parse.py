"""The ctgov parser on every genuine sample, the replay pages and hand-written edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, shared_path

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.sources import ctgov

NCT = r"^NCT\d{8}$"


def parse(*pages: Path) -> ctgov.ParsedPages:
    return ctgov.parse(duckdb.connect(), list(pages))


def rows(parsed: ctgov.ParsedPages, table: str) -> list[dict]:
    relation = parsed.tables[table]
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def genuine_files() -> list[Path]:
    folders = [shared_path("samples", "ctgov", "v2_search"), shared_path("samples", "ctgov", "v2_study")]
    return sorted(p for folder in folders for p in folder.glob("*.json"))


def studies_in(path: Path) -> list[dict]:
    body = json.loads(path.read_bytes())
    return body.get("studies", [body])


def test_every_genuine_sample_parses_to_one_trial_per_study() -> None:
    files = genuine_files()
    assert files, "no genuine samples found"
    for path in files:
        expected = studies_in(path)
        parsed = parse(path)
        trials = rows(parsed, "trials")
        assert parsed.rows == len(expected), path.name
        assert sorted(t["trial_id"] for t in trials) == sorted(
            s["protocolSection"]["identificationModule"]["nctId"] for s in expected
        ), path.name
        expected_sites = sum(
            len(s["protocolSection"].get("contactsLocationsModule", {}).get("locations", []))
            for s in expected
        )
        assert len(rows(parsed, "trial_sites")) == expected_sites, path.name


def test_genuine_full_record_fields_land_in_their_columns() -> None:
    path = shared_path("samples", "ctgov", "v2_search", "cyanheads__studies_2025-06-17T11-15-33-773Z.json")
    (trial,) = rows(parse(path), "trials")
    assert trial["trial_id"] == "NCT05147467"
    assert trial["phase"] == "PHASE2"
    assert trial["overall_status"] == "RECRUITING"
    assert trial["study_type"] == "INTERVENTIONAL"
    assert trial["start_date"] == "2021-12-28"
    assert trial["completion_date"] == "2024-12"  # month precision kept as given
    assert trial["enrollment"] == 75
    assert trial["lead_sponsor_class"] == "INDUSTRY"
    assert trial["source_url"] == "https://clinicaltrials.gov/study/NCT05147467"
    sites = rows(parse(path), "trial_sites")
    assert {s["country_code"] for s in sites} == {"CN"}
    assert {s["region"] for s in sites} == {"Asia-Pacific"}


def test_page_metadata_reports_total_only_on_first_page() -> None:
    first = parse(shared_path("samples", "ctgov", "v2_search", "biomcp__search_phelan_limit5_20260811.json"))
    later = parse(shared_path("samples", "ctgov", "v2_search", "biomcp__search_phelan_next_20260811.json"))
    assert first.reported_total == 21
    assert later.reported_total is None


def test_two_versions_of_one_study_hash_differently() -> None:
    folder = shared_path("samples", "ctgov", "v2_study")
    old = rows(parse(folder / "aact__NCT02552212_versionHolder-2023-12-12.json"), "trials")[0]
    new = rows(parse(folder / "aact__NCT02552212_versionHolder-2024-01-03.json"), "trials")[0]
    assert old["trial_id"] == new["trial_id"] == "NCT02552212"
    assert old["content_hash"] != new["content_hash"] or old == new


def test_replay_pages_give_the_documented_counts() -> None:
    pages = sorted(shared_path("replay", "ctgov").glob("*.json"))
    parsed = parse(*pages)
    assert parsed.rows == parsed.reported_total == 2274
    sites = rows(parsed, "trial_sites")
    assert len(sites) == 8197
    assert all(site["region"] for site in sites), "every replay site maps to a region"


def test_edge_cases_keep_date_precision_and_missing_modules_as_null() -> None:
    parsed = parse(FIXTURES / "ctgov" / "edge_cases.json")
    trials = {t["trial_id"]: t for t in rows(parsed, "trials")}
    full, bare = trials["NCT09900001"], trials["NCT09900002"]
    assert (full["start_date"], full["completion_date"]) == ("2024-03", "2027")
    assert full["phase"] == "PHASE1/PHASE2"
    assert bare["phase"] is None and bare["lead_sponsor"] is None and bare["enrollment"] is None
    assert full["last_update_date"] == "2026-08-20"


def test_edge_cases_secondary_ids_are_typed_by_their_shape() -> None:
    ids = {
        (r["other_id"], r["id_type"])
        for r in rows(parse(FIXTURES / "ctgov" / "edge_cases.json"), "trial_ids")
    }
    assert ("2019-004321-55", "EUDRACT") in ids  # typed OTHER, text around the number
    assert ("2023-501234-12-00", "CTIS") in ids  # typed REGISTRY
    assert ("R01CA123456", "NIH") in ids
    assert ("ATLAS-CART-001", "ORG_STUDY_ID") in ids


def test_edge_cases_unknown_country_has_no_code_for_validation_to_catch() -> None:
    sites = rows(parse(FIXTURES / "ctgov" / "edge_cases.json"), "trial_sites")
    by_country = {s["country_name"]: s for s in sites}
    assert by_country["South Korea"]["country_code"] == "KR"
    assert by_country["Atlantis"]["country_code"] is None


def test_duplicate_conditions_collapse() -> None:
    conditions = rows(parse(FIXTURES / "ctgov" / "edge_cases.json"), "trial_conditions")
    assert [c["condition"] for c in conditions if c["trial_id"] == "NCT09900001"] == ["B-cell Lymphoma"]


def test_empty_page_parses_to_no_rows() -> None:
    parsed = parse(FIXTURES / "ctgov" / "empty_page.json")
    assert parsed.rows == 0 and parsed.reported_total == 0
    assert all(len(relation.fetchall()) == 0 for relation in parsed.tables.values())


def test_a_study_with_hundreds_of_sites(tmp_path: Path) -> None:
    countries = ["United States", "Canada", "France", "Japan", "Brazil", "Israel"]
    locations = [
        {"facility": f"Site {i}", "city": "City", "country": countries[i % len(countries)]}
        for i in range(600)
    ]
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09900010", "briefTitle": "Many sites"},
            "contactsLocationsModule": {"locations": locations},
        }
    }
    page = tmp_path / "page-0001.json"
    page.write_text(json.dumps({"studies": [study], "totalCount": 1}))
    sites = rows(parse(page), "trial_sites")
    assert len(sites) == 600
    assert sorted(s["site_index"] for s in sites) == list(range(1, 601))
    assert {s["site_index"]: s["facility"] for s in sites}[1] == "Site 0"
    assert {s["region"] for s in sites} == {
        "North America",
        "Europe",
        "Asia-Pacific",
        "Latin America",
        "Middle East & Africa",
    }


@pytest.mark.parametrize(
    ("body", "says"),
    [('{"studies": 7}', "neither a PagedStudies object"), ("not json at all", "is not valid JSON")],
)
def test_a_page_that_is_not_paged_studies_fails_loudly(tmp_path: Path, body: str, says: str) -> None:
    page = tmp_path / "page-0001.json"
    page.write_text(body)
    with pytest.raises(PageStructureChanged, match=says):
        parse(page)


def test_a_lead_sponsors_investigator_affiliation_comes_from_the_responsible_party_or_an_official() -> None:
    """Genuine records: Hadassah's responsible investigator names his affiliation; another record repeats the
    investigator's own name as the affiliation, so the overall official's affiliation stands in."""
    folder = shared_path("samples", "ctgov", "v2_study")
    found = {}
    for name in ("aact__NCT00973089.json", "aact__NCT00763412.json"):
        for row in rows(parse(folder / name), "trial_sponsors"):
            found[(row["trial_id"], row["role"], row["name"])] = row["investigator_affiliation"]
    assert found[("NCT00973089", "lead", "Hadassah Medical Organization")] == "Hadassah Medical Organization"
    assert found[("NCT00763412", "lead", "Arbelaez, Ana Maria")] == "Washington University School of Medicine"
    assert found[("NCT00763412", "collaborator", "Novo Nordisk A/S")] is None
