"""CTIS live fetch with HTTP mocked: 1-based search pages, the 10,000 cap split by date,
429 + Retry-After on the POST, short downloads, then one retrieve per trial, all landed."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import requests_mock as rm
from conftest import shared_path
from registry_helpers import load_replay

from cgt_atlas.errors import ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import MANIFEST, RawLanding
from cgt_atlas.sources import ctis
from cgt_atlas.sources.ctis.settings import PAGE_SIZE, RETRIEVE_URL, SEARCH_CAP, SEARCH_URL

DAY = date(2024, 1, 1)


def polite(sleeps: list[float] | None = None) -> PoliteClient:
    return PoliteClient(min_interval=0, sleep=(sleeps.append if sleeps is not None else lambda _: None))


def numbers(count: int, offset: int = 0) -> list[str]:
    return [f"2024-5{offset + i:05d}-11-00" for i in range(count)]


def page_body(listed: list[str], total: int, page: int) -> dict:
    """A search response: the 1-based page of PAGE_SIZE out of `listed`, reporting `total`."""
    rows = listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    pages = -(-total // PAGE_SIZE)
    return {
        "showWarning": False,
        "pagination": {
            "totalRecords": total,
            "currentPage": page,
            "totalPages": pages,
            "nextPage": page < pages,
            "prevPage": page > 1,
        },
        "data": [{"ctNumber": n, "ctStatus": 4} for n in rows],
    }


def serve_search(mock: rm.Mocker, answer) -> None:
    """answer(criteria, page) -> response body dict."""

    def respond(request, context) -> dict:
        body = request.json()
        return answer(body["searchCriteria"], body["pagination"]["page"])

    mock.post(SEARCH_URL, json=respond)


def serve_retrieve(mock: rm.Mocker, body: bytes = b'{"ctNumber": "x"}') -> None:
    mock.get(re.compile(re.escape(RETRIEVE_URL.format(ct_number=""))), content=body)  # any number


def test_pages_are_one_based_and_every_trial_is_retrieved_and_landed(tmp_path: Path) -> None:
    listed = numbers(250)
    landing = RawLanding(tmp_path / "raw" / "ctis" / "run")
    with rm.Mocker() as mock:
        serve_search(mock, lambda criteria, page: page_body(listed, 250, page))
        serve_retrieve(mock)
        result = ctis.fetch(polite(), landing, since="2025-01-01")
        posts = [r.json() for r in mock.request_history if r.method == "POST"]
        gets = [r.url for r in mock.request_history if r.method == "GET"]
    assert [p["pagination"] for p in posts] == [{"page": n, "size": 100} for n in (1, 2, 3)]
    assert all("containAny" in p["searchCriteria"] for p in posts)
    assert len(gets) == 250 and gets[0].endswith("/retrieve/2024-500000-11-00")
    assert (result.pages, result.rows, result.reported_total) == (253, 250, 250)
    manifest = [json.loads(line) for line in (landing.folder / MANIFEST).read_text().splitlines()]
    assert manifest[0]["params"]["pagination"] == {"page": 1, "size": 100}  # the body POSTed
    assert manifest[3]["url"].endswith("/retrieve/2024-500000-11-00")


def test_a_query_over_the_cap_is_split_by_date_until_each_part_is_under_it(tmp_path: Path) -> None:
    """25,000 results by EEA start date: 9,000 in 2010, 8,000 in 2030, 8,000 in 2060. The whole
    query and the first half of the date range are over the cap and split; the parts are paged."""
    listed = numbers(25_000)
    starts = {
        n: date(2010, 1, 1) if i < 9_000 else date(2030 if i < 17_000 else 2060, 1, 1)
        for i, n in enumerate(listed)
    }

    def answer(criteria: dict, page: int) -> dict:
        first = date.fromisoformat(criteria.get("eeaStartDateFrom", "0001-01-01"))
        last = date.fromisoformat(criteria.get("eeaStartDateTo", "9999-12-31"))
        part = [n for n in listed if first <= starts[n] <= last]
        return page_body(part, len(part), page)

    with rm.Mocker() as mock:
        serve_search(mock, answer)
        serve_retrieve(mock)
        result = ctis.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)
        posts = [r.json() for r in mock.request_history if r.method == "POST"]
    assert (result.rows, result.reported_total) == (25_000, 25_000)
    assert all(p["searchCriteria"]["containAny"] == posts[0]["searchCriteria"]["containAny"] for p in posts)
    ranges = [
        (p["searchCriteria"].get("eeaStartDateFrom"), p["searchCriteria"].get("eeaStartDateTo"))
        for p in posts
    ]
    probed = list(dict.fromkeys(ranges))
    assert probed == [
        (None, None),  # the whole query: 25,000
        ("1990-01-01", "2045-07-01"),  # 17,000: split again
        ("1990-01-01", "2017-10-01"),  # 9,000
        ("2017-10-02", "2045-07-01"),  # 8,000
        ("2045-07-02", "2100-12-31"),  # 8,000
    ]
    assert {r: ranges.count(r) for r in probed} == {
        probed[0]: 1,  # over the cap: only page 1, never paged
        probed[1]: 1,
        probed[2]: 90,
        probed[3]: 80,
        probed[4]: 80,
    }


def test_trials_no_date_range_can_reach_make_a_split_fail(tmp_path: Path) -> None:
    """Over the cap, but 500 trials have no EEA start date: the ranges add up short."""
    dated = numbers(SEARCH_CAP)

    def answer(criteria: dict, page: int) -> dict:
        if "eeaStartDateFrom" not in criteria:
            return page_body(dated, SEARCH_CAP + 500, page)
        in_range = criteria["eeaStartDateFrom"] <= "2020-01-01" <= criteria["eeaStartDateTo"]
        listed = dated[: SEARCH_CAP // 2] if in_range else []
        return page_body(listed, len(listed), page)

    with rm.Mocker() as mock:
        serve_search(mock, answer)
        serve_retrieve(mock)
        with pytest.raises(ShortDownload, match="cannot be reached"):
            ctis.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)


def test_a_429_on_the_search_post_waits_for_retry_after(tmp_path: Path) -> None:
    sleeps: list[float] = []
    listed = numbers(3)
    with rm.Mocker() as mock:
        mock.post(
            SEARCH_URL,
            [
                {"status_code": 429, "headers": {"Retry-After": "9"}},
                {"json": page_body(listed, 3, 1)},
            ],
        )
        serve_retrieve(mock)
        result = ctis.fetch(polite(sleeps), RawLanding(tmp_path / "raw"), since=None)
    assert 9.0 in sleeps
    assert (result.rows, result.reported_total) == (3, 3)


def test_a_short_search_is_an_error(tmp_path: Path) -> None:
    listed = numbers(150)  # the search says 250 but page 3 comes back empty
    with rm.Mocker() as mock:
        serve_search(mock, lambda criteria, page: page_body(listed, 250, page))
        serve_retrieve(mock)
        with pytest.raises(ShortDownload, match="reported 250 records but sent 150"):
            ctis.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)


def test_fetched_bodies_replay_end_to_end(tmp_path: Path) -> None:
    """Land a mocked fetch of the genuine records, then stage and load the landed run folder."""
    samples = {
        path.name.removeprefix("ctrdata__CTIS__").removesuffix(".json"): path
        for path in shared_path("samples", "ctis").glob("ctrdata__CTIS__*.json")
    }
    listed = sorted(samples)
    landing = RawLanding(tmp_path / "raw" / "ctis" / "run1")
    with rm.Mocker() as mock:
        serve_search(mock, lambda criteria, page: page_body(listed, len(listed), page))
        for number, path in samples.items():
            mock.get(RETRIEVE_URL.format(ct_number=number), content=path.read_bytes())
        ctis.fetch(polite(), landing, since=None)
    db = tmp_path / "w.duckdb"
    loaded = load_replay(tmp_path / "raw" / "ctis" / "run1", db, ["ctis"], "replay1")
    assert loaded["ctis"]["changed"] == len(listed)
