"""Live fetch path, with HTTP mocked by recorded bodies: paging, landing, counts, incremental."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests_mock as rm
from conftest import shared_path

from cgt_atlas.errors import PageStructureChanged, ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import MANIFEST, RawLanding
from cgt_atlas.sources import ctgov
from cgt_atlas.sources.ctgov.settings import BASE_URL


def polite() -> PoliteClient:
    return PoliteClient(min_interval=0, sleep=lambda _: None)


def query(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def serve_by_token(mock: rm.Mocker, first: Path, by_token: dict[str, Path]) -> None:
    def answer(request, context) -> bytes:
        token = query(request).get("pageToken")
        return (by_token[token] if token else first).read_bytes()

    mock.get(BASE_URL, content=answer)


def test_pages_are_followed_to_the_end_and_landed_as_fetched(tmp_path: Path) -> None:
    replay = shared_path("replay", "ctgov")
    pages = sorted(replay.glob("*.json"))
    landing = RawLanding(tmp_path / "raw")
    with rm.Mocker() as mock:
        serve_by_token(mock, pages[0], {"replay-page-0002": pages[1], "replay-page-0003": pages[2]})
        result = ctgov.fetch(polite(), landing, since=None)
        requests = mock.request_history
    assert (result.pages, result.rows, result.reported_total) == (3, 2274, 2274)
    assert [query(r).get("pageToken") for r in requests] == [None, "replay-page-0002", "replay-page-0003"]
    assert query(requests[0])["countTotal"] == "true" and "countTotal" not in query(requests[1])
    assert query(requests[1])["query.intr"] == query(requests[0])["query.intr"]
    assert query(requests[0])["pageSize"] == "1000"
    manifest = [json.loads(line) for line in (landing.folder / MANIFEST).read_text().splitlines()]
    for entry, original in zip(manifest, pages, strict=True):
        landed = landing.folder / entry["file"]
        assert landed.read_bytes() == original.read_bytes()
        assert entry["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
        assert entry["status"] == 200 and entry["bytes"] == original.stat().st_size


def test_a_short_download_is_an_error(tmp_path: Path) -> None:
    search = shared_path("samples", "ctgov", "v2_search")
    first = search / "biomcp__search_phelan_limit5_20260811.json"  # totalCount 21, a token
    last = search / "biomcp__search_nsclc_egfr_l858r_20260811.json"  # 2 studies, no token
    token = json.loads(first.read_bytes())["nextPageToken"]
    with rm.Mocker() as mock:
        serve_by_token(mock, first, {token: last})
        with pytest.raises(ShortDownload, match="reported 21 records but sent 7"):
            ctgov.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)
    assert len(list((tmp_path / "raw").glob("page-*.json"))) == 2, "what was fetched is kept"


def test_incremental_runs_ask_only_for_studies_updated_since_the_watermark(tmp_path: Path) -> None:
    with rm.Mocker() as mock:
        mock.get(BASE_URL, json={"studies": [], "totalCount": 0})
        ctgov.fetch(polite(), RawLanding(tmp_path / "raw"), since="2026-08-20")
        advanced = query(mock.last_request)["filter.advanced"]
    assert "AREA[LastUpdatePostDate]RANGE[2026-08-20,MAX]" in advanced
    assert "AREA[StudyType]INTERVENTIONAL" in advanced


def test_a_body_that_is_not_paged_studies_is_kept_and_reported(tmp_path: Path) -> None:
    landing = RawLanding(tmp_path / "raw")
    with rm.Mocker() as mock:
        mock.get(BASE_URL, text='{"message": "Service maintenance"}')
        with pytest.raises(PageStructureChanged, match="not a PagedStudies object"):
            ctgov.fetch(polite(), landing, since=None)
    assert (landing.folder / "page-0001.json").read_text() == '{"message": "Service maintenance"}'
