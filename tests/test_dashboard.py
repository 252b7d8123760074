"""The dashboard: starts on a small warehouse, serves only local assets, renders filters and the map."""

from __future__ import annotations

import copy
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pytest
from click.testing import CliRunner
from dash import no_update

from cgt_atlas.charts import iso_numeric
from cgt_atlas.cli import app
from cgt_atlas.dashboard import queries
from cgt_atlas.dashboard.app import (
    NO_MATCH,
    check_port,
    country_shapes,
    filters_from_query,
    query_from_filters,
    world_map,
)
from cgt_atlas.errors import AtlasError
from tests.helpers import EDGE_CASES, small_warehouse

STARTUP_LIMIT = 60.0


UNDATED = "NCT09900004"
"""A copy of the fixture's started CAR-T trial whose record gives no start date."""


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = json.loads(EDGE_CASES.read_bytes())
    undated = copy.deepcopy(page["studies"][0])
    undated["protocolSection"]["identificationModule"] = {  # its own ids and title: not the same trial
        "nctId": UNDATED,
        "orgStudyIdInfo": {"id": "ATLAS-CART-004"},
        "briefTitle": "Anti-BCMA CAR-T Cells in Relapsed Multiple Myeloma",
    }
    del undated["protocolSection"]["statusModule"]["startDateStruct"]
    page["studies"].append(undated)
    return small_warehouse(tmp_path_factory.mktemp("dashboard"), page=json.dumps(page).encode())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own local server)
        return response.read().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def server(small_db: Path) -> Iterator[str]:
    with _dashboard(small_db) as (url, _process):
        yield url


@contextmanager
def _dashboard(db: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`cgt-atlas dashboard` in its own process on a free port; yields its URL and the process (its
    console output is readable once it has stopped)."""
    port = _free_port()
    cli = Path(sys.executable).parent / "cgt-atlas"
    process = subprocess.Popen(
        [str(cli), "dashboard", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    try:
        while True:
            try:
                _get(url)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() - started > STARTUP_LIMIT:
                    pytest.fail(
                        f"the dashboard did not answer within {STARTUP_LIMIT} s: {process.stdout.read()}"
                    )
                time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _foreign_urls(text: str) -> set[str]:
    return {u for u in re.findall(r"https?://[^\s'\"<>)\\]+", text) if not u.startswith("http://127.0.0.1")}


def test_the_page_and_its_layout_reference_only_local_assets(server: str) -> None:
    page = _get(server)
    config = json.loads(
        re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert config["serve_locally"] is True
    # the one URL in the config is the version check's, and it is off
    assert config["disable_version_check"] is True
    without_config = page.replace(
        re.search(r'<script id="_dash-config".*?</script>', page, re.S).group(0), ""
    )
    assert not _foreign_urls(without_config)
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?\s*(?:https?:)?//""", without_config, re.I)
    for asset in re.findall(r'(?:src|href)="(/[^"]+)"', without_config):
        assert _get(server.rstrip("/") + asset)  # every script and stylesheet is served by us
    layout = _get(server + "_dash-layout")
    # the outside URLs the layout holds are links in table cells: pages a user may open, never fetched
    assert all(f"]({u})" in layout for u in _foreign_urls(layout))
    for element in (
        "region",
        "country",
        "modality",
        "sponsor-class",
        "phase",
        "years",
        "undated",
        "map",
        "trials",
    ):
        assert f'"id": "{element}"' in layout or f'"id":"{element}"' in layout
    dependencies = json.loads(_get(server + "_dash-dependencies"))
    assert any("map.figure" in d["output"] for d in dependencies)


def _callback(
    server: str,
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, Any]],
    changed: str | None = None,
) -> dict:
    """Call a callback as the browser does: POST its inputs, and which one changed (`changed`, "id.property";
    by default the first), to _dash-update-component."""
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    request = urllib.request.Request(
        server + "_dash-update-component", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own local server)
        return json.loads(response.read())["response"]


def _update(
    server: str,
    country: Any = None,
    years: Any = None,
    undated: Any = None,
    **filters: Any,
) -> dict:
    """The main callback with no filter but the given country, year range, undated choice and any other
    filter by its id (region=..., modality=..., sponsor_class=..., phase=...)."""
    return _callback(
        server,
        [
            ("map", "figure"),
            ("trials-heading", "children"),
            ("trials", "data"),
            ("trials", "tooltip_data"),
            ("trials", "page_current"),
            ("input-notice", "children"),
        ],
        [
            ("region", "value", filters.get("region")),
            ("modality", "value", filters.get("modality")),
            ("sponsor-class", "value", filters.get("sponsor_class")),
            ("phase", "value", filters.get("phase")),
            ("years", "value", years or [1990, 2030]),
            ("undated", "value", ["include"] if undated is None else undated),
            ("country", "value", country),
        ],
    )


def _select_country(server: str, click: dict | None = None, trigger: str = "map", search: str = "") -> Any:
    """The country the selection callback sets when `trigger` (map, all-countries or url) changes."""
    answer = _callback(
        server,
        [("country", "value"), ("link-notice", "children")],
        [
            ("map", "clickData", click),
            ("all-countries", "n_clicks", 1 if trigger == "all-countries" else None),
            ("url", "search", search),
        ],
        changed={"map": "map.clickData", "all-countries": "all-countries.n_clicks", "url": "url.search"}[
            trigger
        ],
    )
    return answer.get("country", {}).get("value", "unchanged")


def test_the_map_callback_answers_with_country_shapes_and_a_trial_table(server: str) -> None:
    answer = _update(server)
    # one trace per country, then the colour bar
    assert len(answer["map"]["figure"]["data"]) == len(country_shapes()) + 1
    assert answer["map"]["figure"]["data"][-1]["marker"]["showscale"] is True
    assert answer["trials-heading"]["children"].startswith("Trials")
    assert not any(
        "geo" in key for key in answer["map"]["figure"]["layout"]
    )  # no plotly geo: no CDN topojson
    first = answer["trials"]["data"][0]
    assert re.fullmatch(r"\[NCT\d+\]\(https://clinicaltrials\.gov/study/NCT\d+\)", first["trial_id"])
    # hovering a modality says which rule gave it, as `cgt-atlas explain` does
    why = answer["trials"]["tooltip_data"][0]["modality"]["value"]
    assert why.startswith("rule ") and "cell source" in why or why.startswith("rule no_rule_fired")


def test_the_default_view_counts_every_trial_and_undated_ones_can_be_left_out(
    small_db: Path, server: str
) -> None:
    choices = queries.options(small_db)
    everything = len(queries.trials(small_db, queries.Filters()))
    assert choices["undated"] == 1 and everything == 2
    default = _update(server, years=choices["years"])
    assert default["trials-heading"]["children"] == f"Trials: {everything}"
    assert UNDATED in json.dumps(default["trials"]["data"])
    dated = _update(server, years=choices["years"], undated=[])
    assert dated["trials-heading"]["children"] == f"Trials: {everything - 1}"
    assert UNDATED not in json.dumps(dated["trials"]["data"])
    assert len(queries.trials(small_db, queries.Filters(include_undated=False))) == everything - 1


def test_a_click_on_a_country_selects_it_in_the_country_filter(small_db: Path, server: str) -> None:
    top = queries.country_counts(small_db, queries.Filters())[0]
    curve = list(country_shapes()).index(iso_numeric(top["country_code"]))
    # a fill click carries only its curve; a site marker carries the country code
    assert _select_country(server, {"points": [{"curveNumber": curve}]}) == top["country_code"]
    assert _select_country(server, {"points": [{"customdata": top["country_code"]}]}) == top["country_code"]
    assert _select_country(server, None, trigger="all-countries") is None
    # a link opens on a country; one the warehouse has no trials in leaves the selection as it is
    assert (
        _select_country(server, trigger="url", search=f"?country={top['country_code'].lower()}")
        == (top["country_code"])
    )
    assert _select_country(server, trigger="url", search="?country=ZZ") == "unchanged"
    codes = [c["value"] for c in queries.options(small_db)["countries"]]
    assert top["country_code"] in codes


def test_a_selected_country_lists_its_trials_and_shows_its_sites(small_db: Path, server: str) -> None:
    top = queries.country_counts(small_db, queries.Filters())[0]
    answer = _update(server, country=top["country_code"])
    assert answer["trials-heading"]["children"] == f"Trials in {top['country']}: {top['trials']}"
    assert answer["trials"]["page_current"] == 0
    traces = answer["map"]["figure"]["data"]
    points = queries.sites(small_db, queries.Filters(), top["country_code"])
    if points:
        assert traces[-1]["mode"] == "markers"
        assert all(text.split(":")[0] and " trial" in text for text in traces[-1]["text"])
    # one marker per geocoded point, none left out: every distinct point of the country's sites is drawn
    con = duckdb.connect(str(small_db), read_only=True)
    (expected,) = con.execute(
        "select count(distinct (latitude, longitude)) from trial_sites"
        " where country_code = ? and latitude is not null",
        [top["country_code"]],
    ).fetchone()
    con.close()
    assert len(points) == expected


def test_registry_links_follow_the_id_form() -> None:
    assert queries.registry_url("NCT01234567", None) == "https://clinicaltrials.gov/study/NCT01234567"
    assert queries.registry_url("X", "https://example.org/x") == "https://example.org/x"
    assert "clinicaltrialsregister.eu" in queries.registry_url("2015-001234-12-GB", None)
    assert "euclinicaltrials.eu" in queries.registry_url("2023-501234-12-00", None)
    assert "trialsearch.who.int" in queries.registry_url("ChiCTR2000012345", None)


def test_a_missing_warehouse_is_an_error_with_a_next_step(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["dashboard", "--db", str(tmp_path / "none.duckdb"), "--port", str(_free_port())]
    )
    assert result.exit_code == 1
    assert "error: no warehouse at" in result.output and "next: build it first" in result.output


def test_a_busy_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(AtlasError, match=f"port {port} on 127.0.0.1 is busy"):
            check_port("127.0.0.1", port)


def test_headless_chromium_renders_the_filters_and_the_map(server: str, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip(
            "chromium is not on PATH (.ci/run installs it when it can): the rendered page is not checked"
        )
    net_log = tmp_path / "net-log.json"
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # nothing outside resolves
            f"--log-net-log={net_log}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            server,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    assert "js-plotly-plot" in dom and "main-svg" in dom
    for label in ("Region", "Country", "Modality", "Lead sponsor type", "Phase", "Start year"):
        assert f">{label}</label>" in dom
    assert "include trials with no start year" in dom
    assert "dash-spreadsheet" in dom  # the trial table is a DataTable: sorted and paged in the browser
    assert "https://clinicaltrials.gov/study/NCT" in dom
    # every request the browser made went to the dashboard (Chromium's own services aside)
    hosts = set(re.findall(r'"url":"https?://([^/:"]+)', net_log.read_text(errors="replace")))
    assert not {
        h
        for h in hosts
        if h != "127.0.0.1" and not h.endswith((".google.com", ".googleapis.com", ".gvt1.com"))
    }, hosts


RESTORED_FILTERS = [
    ("region", "value"),
    ("modality", "value"),
    ("sponsor-class", "value"),
    ("phase", "value"),
    ("years", "value"),
    ("undated", "value"),
]
"""What a link's address sets, as the restore callback answers it."""

BAD_INPUTS = [
    {"years": [float("inf"), 2020]},
    {"years": [float("nan"), float("nan")]},
    {"years": ["2019", "x"]},
    {"years": [2024, 2019]},
    {"years": 2020},
    {"region": "Europe"},
    {"region": ["<script>alert(1)</script>"]},
    {"modality": [1, 2]},
    {"phase": {"a": 1}},
    {"sponsor_class": [None]},
    {"undated": "yes"},
    {"country": "DE'\"<b>"},
    {"country": ["DE"]},
]


def test_bad_filter_values_give_the_default_view_and_a_notice_never_a_500(small_db: Path) -> None:
    with _dashboard(small_db) as (url, process):
        default = _update(url, years=queries.options(small_db)["years"])
        assert default["input-notice"]["children"] == ""
        for bad in BAD_INPUTS:
            answer = _update(url, **bad)  # raises on an HTTP error status
            assert answer["trials-heading"]["children"] == default["trials-heading"]["children"], bad
            assert answer["trials"]["data"] == default["trials"]["data"], bad
            assert answer["input-notice"]["children"].startswith("Not a value this dashboard offers"), bad
        for click in ("DE", ["x"], {"points": "x"}, {"points": [{"customdata": "<x>"}]}, {"points": [3]}):
            assert _select_country(url, click) == "unchanged"
        process.terminate()
        console = process.communicate(timeout=10)[0]
    assert "Traceback" not in console and "Exception" not in console


@pytest.mark.parametrize("search", ["?country=DE%22%3Cb%3E", "?country=D", "?country=DEU", "?country=%27%27"])
def test_a_link_country_must_be_two_letters_of_a_known_country(server: str, search: str) -> None:
    answer = _callback(
        server,
        [("country", "value"), ("link-notice", "children")],
        [("map", "clickData", None), ("all-countries", "n_clicks", None), ("url", "search", search)],
        changed="url.search",
    )
    assert "country" not in answer  # the selection stays as it is
    assert "not a two-letter code" in answer["link-notice"]["children"]


@pytest.mark.parametrize(
    ("host", "warned"),
    [("127.0.0.1", False), ("localhost", False), ("::1", False), ("0.0.0.0", True), ("192.0.2.10", True)],
)
def test_listening_beyond_this_machine_is_warned_of_in_one_line(
    small_db: Path, monkeypatch: pytest.MonkeyPatch, host: str, warned: bool
) -> None:
    from cgt_atlas.dashboard import app as dashboard_app

    monkeypatch.setattr(dashboard_app, "run", lambda *args, **kwargs: None)
    result = CliRunner().invoke(app, ["dashboard", "--host", host, "--db", str(small_db)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(lines) == (1 if warned else 0)
    if warned:
        assert "anyone who can reach this port can read the warehouse" in lines[0]


def test_a_filter_matching_nothing_says_so(small_db: Path) -> None:
    nothing = queries.Filters(years=(1900, 1901), include_undated=False)
    figure = world_map(queries.country_counts(small_db, nothing))
    assert [note.text for note in figure.layout.annotations] == [NO_MATCH]
    assert len(figure.data) == len(country_shapes())  # no colour bar for an empty map


def test_every_filter_travels_in_the_address(small_db: Path, server: str) -> None:
    choices = queries.options(small_db)
    lo, hi = choices["years"]
    phase = choices["phases"][0]["value"]
    known_country = choices["countries"][0]["value"]  # only a country the warehouse holds is written
    # the slider's full range is the default and stays out of the address; a narrower one travels
    search = query_from_filters(["Europe"], None, ["INDUSTRY"], [phase], [lo, lo], [], "DE", (lo - 1, hi))
    assert search.startswith("?region=Europe&sponsor_class=INDUSTRY&phase=")
    assert search.endswith(f"&years={lo}-{lo}&undated=0&country=DE")
    assert query_from_filters(None, None, None, None, [lo, hi], ["include"], None, (lo, hi)) == ""
    regions, modalities, classes, phases, years, undated = filters_from_query(search, choices)
    assert (classes, phases, years, undated) == (
        ["INDUSTRY"] if "INDUSTRY" in [c["value"] for c in choices["sponsor_classes"]] else [],
        [phase],
        [lo, lo],
        [],
    )
    assert modalities is no_update  # a filter the address does not name is left as it is
    # the page's callback restores them from a link, as the browser calls it
    answer = _callback(
        server,
        RESTORED_FILTERS,
        [("url", "search", f"?phase={phase}&years={lo}-{lo}&undated=0")],
    )
    assert answer["phase"]["value"] == [phase] and answer["years"]["value"] == [lo, lo]
    assert answer["undated"]["value"] == []
    written = _callback(
        server,
        [("url-state", "search")],
        [
            ("region", "value", None),
            ("modality", "value", None),
            ("sponsor-class", "value", None),
            ("phase", "value", [phase]),
            ("years", "value", [lo, hi]),
            ("undated", "value", ["include"]),
            ("country", "value", known_country),
        ],
    )
    assert written["url-state"]["search"] == f"?phase={quote(phase, safe='')}&country={known_country}"


def test_phases_and_sponsor_types_read_as_people_write_them(small_db: Path) -> None:
    choices = queries.options(small_db)
    labels = {choice["value"]: choice["label"] for choice in choices["phases"]}
    assert labels.get("PHASE1/PHASE2", "Phase 1/2") == "Phase 1/2"
    assert all("PHASE" not in label for label in labels.values())
    assert all(choice["label"] != "INDUSTRY" for choice in choices["sponsor_classes"])
    trials = queries.trials(small_db, queries.Filters())
    assert all(row["phase"] is None or "PHASE" not in row["phase"] for row in trials)


def test_the_address_bar_callbacks_take_bad_values_without_a_500(server: str) -> None:
    """The filters are written to and read from the address too: those callbacks get the same checks."""
    for bad in BAD_INPUTS:
        values = {"region": None, "modality": None, "sponsor_class": None, "phase": None, "years": None}
        values |= {"undated": ["include"], "country": None} | bad
        answer = _callback(
            server,
            [("url-state", "search")],
            [
                ("region", "value", values["region"]),
                ("modality", "value", values["modality"]),
                ("sponsor-class", "value", values["sponsor_class"]),
                ("phase", "value", values["phase"]),
                ("years", "value", values["years"]),
                ("undated", "value", values["undated"]),
                ("country", "value", values["country"]),
            ],
        )
        written = answer["url-state"]["search"]
        assert "<" not in written and "'" not in written and "inf" not in written.lower(), (bad, written)
    for search in (["?region=x"], {"a": 1}, 7, "?years=1e309-x&undated=maybe&region=%3Cb%3E"):
        _callback(
            server,
            RESTORED_FILTERS,
            [("url", "search", search)],
        )  # raises on an HTTP error status
