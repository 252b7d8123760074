"""The live path of every HTTP source against a real server on 127.0.0.1 serving recorded bodies.

Each source is pointed at the server with CGT_ATLAS_<SOURCE>_BASE_URL. The server answers at the
sources' real paths with the genuine bodies in ../shared (where a genuine body of that request
exists; otherwise a hand-written one in the shape the source's CONTRACT.md describes, said at each
test), records every request, and the tests check what the live code sent (paths, parameters,
headers, paging tokens, pacing) and load it through `cgt-atlas refresh` without `--replay`.
docs/reliability.md lists what is covered.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, shared_path
from helpers import scalar
from recorded_server import Answer, RecordedServer, recorded_server

from cgt_atlas.cli import app
from cgt_atlas.errors import (
    ConfigError,
    PageStructureChanged,
    ShortDownload,
    SourceBlockedAsBot,
    SourceHttpError,
    SourceSentDamage,
)
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.settings import USER_AGENT, Site
from cgt_atlas.sources import ctgov, ctis, euctr, fda_cgt
from cgt_atlas.sources.ctgov.settings import PAGE_SIZE, STUDIES_PATH
from cgt_atlas.sources.ctis.settings import RETRIEVE_PATH, SEARCH_PATH, base_criteria
from cgt_atlas.sources.euctr.settings import CGT_QUERY, FULL_TEXT_PATH
from cgt_atlas.sources.euctr.settings import SEARCH_PATH as EUCTR_SEARCH_PATH

INTERVAL = 0.1
"""CGT_ATLAS_MIN_INTERVAL in these tests: small, but large enough to see the pacing."""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordedServer]:
    monkeypatch.setenv("CGT_ATLAS_MIN_INTERVAL", str(INTERVAL))
    monkeypatch.setenv("CGT_ATLAS_FDA_CRAWL_DELAY", str(INTERVAL))
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    with recorded_server() as running:
        for source in (
            "ctgov",
            "ctis",
            "euctr",
            "ema",
            "fda_purplebook",
            "fda_cgt",
            "swissmedic",
            "fda_establishments",
            "healthcanada",
        ):
            monkeypatch.setenv(f"CGT_ATLAS_{source.upper()}_BASE_URL", running.base)
        yield running


def client() -> PoliteClient:
    """A client for single-source checks: no pause between tries, so retries cost no time."""
    return PoliteClient(min_interval=0, sleep=lambda _: None)


def refresh(source: str, db: Path) -> str:
    """`cgt-atlas refresh --source SOURCE` (live: no --replay); the output, after checking it succeeded."""
    result = CliRunner().invoke(app, ["refresh", "--source", source, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"{source}: " in result.output and "(live)" in result.output, result.output
    assert scalar(db, f"SELECT mode FROM pipeline_runs WHERE source = '{source}'") == "live"
    return result.output


def check_polite(server: RecordedServer, interval: float = INTERVAL) -> None:
    """Every request named the project's User-Agent and the requests came paced.

    The client times its pause from the start of its previous request, the server from when that
    request arrived (after a connection was set up), so half the interval is the bound checked
    here; unpaced requests arrive a millisecond or two apart.
    """
    seen = server.requests()
    assert seen, "the live code sent no request"
    assert {request.headers.get("User-Agent") for request in seen} == {USER_AGENT}
    gaps = [later.at - earlier.at for earlier, later in zip(seen, seen[1:], strict=False)]
    assert min(gaps, default=interval) >= interval / 2, gaps


def rows_loaded(db: Path, source: str) -> int:
    return scalar(db, f"SELECT rows_loaded FROM pipeline_runs WHERE source = '{source}'")


# --- the base-URL setting ----------------------------------------------------------------------


def test_a_base_url_is_checked_and_replaces_the_public_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    site = Site("fda_purplebook", "https://purplebooksearch.fda.gov", frozenset({"www.accessdata.fda.gov"}))
    assert site.url("/downloads") == "https://purplebooksearch.fda.gov/downloads"
    assert site.follow("http://www.accessdata.fda.gov/a.csv") == "https://www.accessdata.fda.gov/a.csv"
    assert site.follow("https://example.org/a.csv") is None
    monkeypatch.setenv("CGT_ATLAS_FDA_PURPLEBOOK_BASE_URL", "http://127.0.0.1:8080/")
    assert site.url("/downloads") == "http://127.0.0.1:8080/downloads"
    assert site.follow("https://www.accessdata.fda.gov/a.csv?x=1") == "http://127.0.0.1:8080/a.csv?x=1"
    assert site.follow("http://127.0.0.1:8080/b.csv") == "http://127.0.0.1:8080/b.csv"
    assert site.follow("https://example.org/a.csv") is None
    for refused in ("http://mirror.example.org", "ftp://127.0.0.1", "http://127.0.0.1:8080/api/v2"):
        monkeypatch.setenv("CGT_ATLAS_FDA_PURPLEBOOK_BASE_URL", refused)
        with pytest.raises(ConfigError, match="CGT_ATLAS_FDA_PURPLEBOOK_BASE_URL"):
            site.base()
    monkeypatch.setenv("CGT_ATLAS_FDA_PURPLEBOOK_BASE_URL", "https://mirror.example.org")
    assert site.url("/downloads") == "https://mirror.example.org/downloads"


# --- ClinicalTrials.gov --------------------------------------------------------------------------


def test_ctgov_sends_the_query_and_follows_the_genuine_page_token(
    server: RecordedServer, tmp_path: Path
) -> None:
    """Genuine v2 search pages (biomcp, 2026-08-11): the first reports totalCount 21 and a token."""
    search = shared_path("samples", "ctgov", "v2_search")
    first = (search / "biomcp__search_phelan_limit5_20260811.json").read_bytes()
    second = (search / "biomcp__search_phelan_next_20260811.json").read_bytes()
    last = (search / "biomcp__search_nsclc_egfr_l858r_20260811.json").read_bytes()
    tokens = {
        None: first,
        json.loads(first)["nextPageToken"]: second,
        json.loads(second)["nextPageToken"]: last,
    }
    server.route(STUDIES_PATH, lambda seen: Answer(body=tokens[seen.query.get("pageToken")]))
    with pytest.raises(ShortDownload, match="reported 21 records but sent 12"):
        ctgov.fetch(PoliteClient(), RawLanding(tmp_path / "raw"), since="2026-08-01")
    sent = server.requests(STUDIES_PATH)
    assert [request.query.get("pageToken") for request in sent] == [None, *list(tokens)[1:]]
    assert sent[0].query["countTotal"] == "true" and all("countTotal" not in r.query for r in sent[1:])
    assert {r.query["query.intr"] for r in sent} == {f"({ctgov.settings.CGT_INTERVENTION_QUERY})"}
    assert all("AREA[LastUpdatePostDate]RANGE[2026-08-01,MAX]" in r.query["filter.advanced"] for r in sent)
    assert {(r.query["pageSize"], r.query["format"], r.query["sort"]) for r in sent} == {
        (str(PAGE_SIZE), "json", "LastUpdatePostDate:asc")
    }
    check_polite(server)


def replay_pages() -> list[bytes]:
    return [page.read_bytes() for page in sorted(shared_path("replay", "ctgov").glob("*.json"))]


def serve_replay(server: RecordedServer, pages: list[bytes]) -> None:
    by_token = {None: pages[0], "replay-page-0002": pages[1], "replay-page-0003": pages[2]}
    server.route(STUDIES_PATH, lambda seen: Answer(body=by_token[seen.query.get("pageToken")]))


def test_ctgov_refresh_loads_through_the_live_path(server: RecordedServer, tmp_path: Path) -> None:
    serve_replay(server, replay_pages())
    db = tmp_path / "atlas.duckdb"
    output = refresh("ctgov", db)
    assert "ctgov: 2274 records in 3 pages (live)" in output
    assert scalar(db, "SELECT count(*) FROM trials WHERE source = 'ctgov'") == 2274
    assert len(server.requests(STUDIES_PATH)) == 3
    check_polite(server)


def test_ctgov_paging_stops_once_the_rows_reach_the_total(server: RecordedServer, tmp_path: Path) -> None:
    """The last page still sends a token: paging stops at the reported total, not at the token."""
    pages = replay_pages()
    last = json.loads(pages[2])
    last["nextPageToken"] = "a-token-past-the-end"
    serve_replay(server, [pages[0], pages[1], json.dumps(last).encode()])
    result = ctgov.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert (result.pages, result.rows, result.reported_total) == (3, 2274, 2274)
    assert "a-token-past-the-end" not in [r.query.get("pageToken") for r in server.requests()]


def test_ctgov_paging_is_capped_by_the_total(server: RecordedServer, tmp_path: Path) -> None:
    """Empty pages with fresh tokens forever: cut off a few pages past the total's share."""
    first = json.loads(replay_pages()[0])
    first["totalCount"] = len(first["studies"]) + 1

    def answer(seen) -> Answer:
        token = seen.query.get("pageToken")
        if token is None:
            return Answer(body=json.dumps(first).encode())
        return Answer(body=json.dumps({"studies": [], "nextPageToken": token + "+"}).encode())

    server.route(STUDIES_PATH, answer)
    with pytest.raises(ShortDownload, match=r"after 4 pages with 1000 of the 1001 studies it reported"):
        ctgov.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert len(server.requests()) == 4  # two pages' worth of studies, plus ctgov.helpers.SPARE_PAGES


# --- damaged 200s: retried like a 5xx (issue 22, item 7) ----------------------------------------


def test_a_damaged_200_is_retried_and_the_genuine_page_then_loads(
    server: RecordedServer, tmp_path: Path
) -> None:
    page = shared_path("samples", "ctgov", "v2_search", "biomcp__search_nsclc_egfr_l858r_20260811.json")
    server.sequence(
        STUDIES_PATH,
        [
            Answer(body=b"<!DOCTYPE html><html><body>Proxy error</body></html>"),
            Answer(body=b""),
            Answer(body=page.read_bytes()[:-40]),  # invalid JSON: cut mid-way, yet complete over HTTP
            Answer(body=page.read_bytes()),
        ],
    )
    result = ctgov.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert (result.rows, len(server.requests())) == (2, 4)


def test_mixed_damage_on_every_try_says_run_again(server: RecordedServer, tmp_path: Path) -> None:
    server.sequence(STUDIES_PATH, [Answer(body=b""), Answer(body=b"<html>busy</html>"), Answer(body=b"{")])
    with pytest.raises(SourceSentDamage) as error:
        ctgov.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert error.value.transient and "Run again" in str(error.value)
    assert "attempt 1: an empty body; attempt 2: an HTML page" in str(error.value)
    assert len(server.requests()) == 5


def test_the_same_damage_on_every_try_is_a_format_change(server: RecordedServer, tmp_path: Path) -> None:
    server.route(STUDIES_PATH, Answer(body=b"<html><body>Our new site</body></html>"))
    with pytest.raises(PageStructureChanged, match="with an HTML page .* on each of 5 attempts") as error:
        ctgov.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert "format changed" in str(error.value) and "Run again" not in str(error.value)


# --- CTIS -------------------------------------------------------------------------------------------

CTIS_RECORDS = ("2024-510663-34-00", "2023-505613-24-00")
"""The genuine retrieve bodies of the current API (ctrdata's demo database, see PROVENANCE.md)."""


def ctis_search_page() -> bytes:
    """No genuine search response exists (PROVENANCE.md): this one has the shape CONTRACT.md gives."""
    return json.dumps(
        {
            "showWarning": False,
            "pagination": {
                "totalRecords": 2,
                "currentPage": 1,
                "totalPages": 1,
                "nextPage": False,
                "prevPage": False,
            },
            "data": [{"ctNumber": number, "ctStatus": 4} for number in CTIS_RECORDS],
        }
    ).encode()


def serve_ctis(server: RecordedServer) -> None:
    server.route(SEARCH_PATH, ctis_search_page(), method="POST")
    for number in CTIS_RECORDS:
        body = shared_path("samples", "ctis", f"ctrdata__CTIS__{number}.json").read_bytes()
        server.route(RETRIEVE_PATH.format(ct_number=number), body)


def test_ctis_refresh_searches_then_retrieves_each_trial(server: RecordedServer, tmp_path: Path) -> None:
    serve_ctis(server)
    db = tmp_path / "atlas.duckdb"
    refresh("ctis", db)
    assert scalar(db, "SELECT count(*) FROM trials WHERE source = 'ctis'") == 2
    (search,) = server.requests(SEARCH_PATH)
    assert search.method == "POST" and search.headers["Content-Type"] == "application/json"
    assert json.loads(search.body) == {
        "pagination": {"page": 1, "size": 100},
        "sort": {"property": "decisionDate", "direction": "DESC"},
        "searchCriteria": base_criteria(),
    }
    assert [r.path for r in server.requests()[1:]] == [f"/ctis-public-api/retrieve/{n}" for n in CTIS_RECORDS]
    check_polite(server)


def test_ctis_throttling_403_is_retried_with_backoff(server: RecordedServer, tmp_path: Path) -> None:
    serve_ctis(server)
    number = CTIS_RECORDS[0]
    genuine = shared_path("samples", "ctis", f"ctrdata__CTIS__{number}.json").read_bytes()
    server.sequence(RETRIEVE_PATH.format(ct_number=number), [Answer(403), Answer(403), Answer(body=genuine)])
    waits: list[float] = []
    result = ctis.fetch(
        PoliteClient(min_interval=0, sleep=waits.append), RawLanding(tmp_path / "raw"), since=None
    )
    assert result.rows == 2
    assert waits == [1.0, 2.0], "backoff doubles, as for a 429"


def test_ctis_403_on_every_try_is_throttling_not_a_refusal(server: RecordedServer, tmp_path: Path) -> None:
    serve_ctis(server)
    server.route(SEARCH_PATH, Answer(403, b"Forbidden"), method="POST")
    with pytest.raises(SourceHttpError, match="HTTP 403 .* on 5 attempts") as error:
        ctis.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert error.value.transient and "Run again later" in str(error.value)


def test_a_403_from_another_source_stays_a_refusal(server: RecordedServer, tmp_path: Path) -> None:
    server.route(STUDIES_PATH, Answer(403, b"Forbidden"))
    with pytest.raises(SourceHttpError) as error:
        ctgov.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert not error.value.transient and len(server.requests()) == 1


# --- EUCTR --------------------------------------------------------------------------------------------


def euctr_search_page(count: str) -> bytes:
    """No genuine search page is kept: the line CONTRACT.md quotes, in a page of our own."""
    line = f"<div class='results'>Trials with a EudraCT protocol ({count})</div>"
    return f"<html><body>{line}</body></html>".encode()


def test_euctr_refresh_reads_the_count_then_the_full_text(server: RecordedServer, tmp_path: Path) -> None:
    full = shared_path("samples", "euctr", "raw_text", "euctr_full_download_sample__ctrdata_946fc6d.txt")
    server.route(EUCTR_SEARCH_PATH, euctr_search_page("2"))
    server.route(FULL_TEXT_PATH, full.read_bytes())
    db = tmp_path / "atlas.duckdb"
    refresh("euctr", db)
    assert scalar(db, "SELECT count(*) FROM trials WHERE source = 'euctr'") == 2
    search, download = server.requests()
    assert search.query == {"query": CGT_QUERY, "page": "1"}
    assert (download.path, download.query) == (
        FULL_TEXT_PATH,
        {"query": CGT_QUERY, "page": "1", "mode": "current_page"},
    )
    check_polite(server)


@pytest.mark.parametrize("printed", ["1,234", "1.234", "1234"])
def test_euctr_counts_parse_with_either_thousands_separator(
    server: RecordedServer, tmp_path: Path, printed: str
) -> None:
    """The count sets the pages asked for (20 trials each) and the total the download must reach."""
    full = shared_path("samples", "euctr", "raw_text", "euctr_full_download_sample__ctrdata_946fc6d.txt")
    server.route(EUCTR_SEARCH_PATH, euctr_search_page(printed))
    server.route(FULL_TEXT_PATH, full.read_bytes())
    with pytest.raises(ShortDownload, match="EUCTR reported 1234 records but sent 2"):
        euctr.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert [int(r.query["page"]) for r in server.requests(FULL_TEXT_PATH)] == list(range(1, 63))


# --- regulators -----------------------------------------------------------------------------------

EMA_REPORT = "/en/documents/report/medicines-output-medicines-report_en.xlsx"


def test_ema_refresh_downloads_the_genuine_report(server: RecordedServer, tmp_path: Path) -> None:
    report = shared_path("samples", "ema", "medicines-output-medicines-report_en_2026-03-14.xlsx")
    server.route(EMA_REPORT, report.read_bytes())
    db = tmp_path / "atlas.duckdb"
    refresh("ema", db)
    assert rows_loaded(db, "ema") > 0
    assert [r.path for r in server.requests()] == [EMA_REPORT]
    check_polite(server)


PURPLEBOOK_CSV = "/drugsatfda_docs/PurpleBook/2024/purplebook-search-January-data-download.csv"


def test_purplebook_refresh_follows_the_downloads_page_to_the_genuine_csv(
    server: RecordedServer, tmp_path: Path
) -> None:
    """The downloads page is hand-written (tests/fixtures); its links name FDA's hosts, which the
    base URL stands in for. The CSV is FDA's own, January 2024."""
    csv = shared_path("samples", "fda_purplebook", "purplebook-data-download_January-2024.csv")
    server.route("/downloads", (FIXTURES / "fda_purplebook" / "downloads.html").read_bytes())
    server.route(PURPLEBOOK_CSV, csv.read_bytes())
    db = tmp_path / "atlas.duckdb"
    refresh("fda_purplebook", db)
    assert rows_loaded(db, "fda_purplebook") >= 30  # 34 cell and gene therapy BLAs in the file
    assert [r.path for r in server.requests()] == ["/downloads", PURPLEBOOK_CSV]
    check_polite(server)


def block_as_fda_does(server: RecordedServer, path: str) -> None:
    """FDA's bot defence: a redirect to its apology page, which answers 404."""
    apology = "/apology_objects/abuse-detection-apology.html"
    server.route(path, Answer(302, headers={"Location": apology}))
    server.route(apology, Answer(404, b"<html><body>Sorry, your request was blocked.</body></html>"))


def test_fda_blocking_the_client_is_named_with_the_inbox_way_round(
    server: RecordedServer, tmp_path: Path, isolated_data: Path
) -> None:
    block_as_fda_does(server, "/downloads")
    db = tmp_path / "atlas.duckdb"
    blocked = CliRunner().invoke(app, ["refresh", "--source", "fda_purplebook", "--db", str(db)])
    assert blocked.exit_code != 0
    assert "FDA's site blocked this client as a bot" in blocked.output
    assert str(isolated_data / "inbox" / "fda_purplebook") in blocked.output
    assert "check the source's URL" not in blocked.output and "Traceback" not in blocked.output
    assert len(server.requests("/downloads")) == 1, "a block is not retried"
    inbox = isolated_data / "inbox" / "fda_purplebook"
    inbox.mkdir(parents=True)
    csv = shared_path("samples", "fda_purplebook", "purplebook-data-download_January-2024.csv")
    (inbox / csv.name).write_bytes(csv.read_bytes())
    before = len(server.requests())
    refresh("fda_purplebook", db)
    assert rows_loaded(db, "fda_purplebook") >= 30
    assert len(server.requests()) == before, "a hand-in is landed instead of fetching"


def test_fda_block_is_recognised_for_each_fda_source(server: RecordedServer, tmp_path: Path) -> None:
    block_as_fda_does(server, fda_cgt.settings.INDEX_PATH)
    with pytest.raises(SourceBlockedAsBot, match="FDA's site blocked this client as a bot") as error:
        fda_cgt.fetch(client(), RawLanding(tmp_path / "raw"), since=None)
    assert error.value.inbox.endswith("inbox/fda_cgt") and not error.value.transient
    block_as_fda_does(server, "/cder/drls_reg.zip")
    from cgt_atlas.sources import fda_establishments

    with pytest.raises(SourceBlockedAsBot, match="inbox/fda_establishments"):
        fda_establishments.fetch(client(), RawLanding(tmp_path / "raw2"), since=None)


def test_fda_cgt_crawl_quarantines_a_dead_product_link(server: RecordedServer, tmp_path: Path) -> None:
    """No genuine copy of FDA's roster exists (samples/fda_cgt/PROVENANCE.md): the hand-written pages
    of tests/fixtures/fda_cgt, in the layout CONTRACT.md describes, served at their real paths."""
    manifest = [
        json.loads(line) for line in (FIXTURES / "fda_cgt" / "manifest.jsonl").read_text().splitlines()
    ]
    paths = ["/" + entry["url"].split("://", 1)[1].split("/", 1)[1] for entry in manifest]
    for entry, path in zip(manifest, paths, strict=True):
        server.route(path, (FIXTURES / "fda_cgt" / entry["file"]).read_bytes())
    dead = paths[2]
    server.route(dead, Answer(404, b"<html><h1>Page Not Found</h1></html>"))
    db = tmp_path / "atlas.duckdb"
    refresh("fda_cgt", db)
    assert [r.path for r in server.requests()] == paths
    assert rows_loaded(db, "fda_cgt") == 2
    quarantined = scalar(
        db, "SELECT failure_value FROM quarantine WHERE source = 'fda_cgt' AND check_name = 'page:dead_link'"
    )
    assert quarantined == f"HTTP 404 for {server.base}{dead}"
    check_polite(server)


SWISSMEDIC_LIST = "/swissmedic/de/home/services/listen_neu.html"
SWISSMEDIC_XLSX = (
    "/dam/swissmedic/de/dokumente/internetlisten/zugelassene_packungen_ham.xlsx.download.xlsx/"
    "Packungen-2026.01.08.xlsx"
)


def test_swissmedic_refresh_finds_the_genuine_workbook_on_the_list_page(
    server: RecordedServer, tmp_path: Path
) -> None:
    """The list page is hand-written (one link, as CONTRACT.md describes it); the workbook is Swissmedic's."""
    workbook = shared_path("samples", "swissmedic", "Packungen-2026.01.08.xlsx")
    link = f'<a href="https://www.swissmedic.ch{SWISSMEDIC_XLSX}">Zugelassene Packungen</a>'
    page = f"<html><body>{link}</body></html>"
    server.route(SWISSMEDIC_LIST, page.encode())
    server.route(SWISSMEDIC_XLSX, workbook.read_bytes())
    db = tmp_path / "atlas.duckdb"
    refresh("swissmedic", db)
    assert rows_loaded(db, "swissmedic") == 22
    assert [r.path for r in server.requests()] == [SWISSMEDIC_LIST, SWISSMEDIC_XLSX]
    check_polite(server)


HEALTHCANADA = "/content/dam/hc-sc/documents/services/drug-product-database/"


def test_healthcanada_refresh_downloads_the_genuine_extracts(server: RecordedServer, tmp_path: Path) -> None:
    """The marketed and approved extracts are Health Canada's; the optional two answer 404 here."""
    for name in ("allfiles", "allfiles_ap"):
        server.route(
            f"{HEALTHCANADA}{name}.zip",
            shared_path("samples", "healthcanada", f"{name}_2026-04-01.zip").read_bytes(),
        )
    db = tmp_path / "atlas.duckdb"
    refresh("healthcanada", db)
    assert rows_loaded(db, "healthcanada") > 0
    assert [r.path for r in server.requests()] == [
        f"{HEALTHCANADA}{name}.zip" for name in ("allfiles", "allfiles_ap", "allfiles_dr", "allfiles_ia")
    ]
    check_polite(server)


def test_fda_establishments_download_and_hand_in(
    server: RecordedServer, tmp_path: Path, isolated_data: Path
) -> None:
    """No genuine drls_reg.zip is kept: the live download serves the hand-written drls_reg.txt of
    tests/fixtures (the zip's layout, CONTRACT.md); the genuine 2025 xlsx export comes in through
    the inbox."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(FIXTURES / "fda_establishments" / "drls_reg.txt", "drls_reg.txt")
    server.route("/cder/drls_reg.zip", archive.getvalue())
    db = tmp_path / "atlas.duckdb"
    refresh("fda_establishments", db)
    assert rows_loaded(db, "fda_establishments") == 5
    assert [r.path for r in server.requests()] == ["/cder/drls_reg.zip"]
    inbox = isolated_data / "inbox" / "fda_establishments"
    inbox.mkdir(parents=True)
    genuine = shared_path("samples", "fda_establishments", "drls_reg_2025-07-25_no_contacts.xlsx")
    (inbox / genuine.name).write_bytes(genuine.read_bytes())
    refresh("fda_establishments", db)
    assert scalar(db, "SELECT count(*) FROM establishments") > 5_000
    assert len(server.requests()) == 1, "the hand-in was landed, nothing fetched"
