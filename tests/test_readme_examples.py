"""README.md's example queries, run as written on the replay, give the figures the report leads with.

An analyst copies the README's first query and compares it with the report: the two must agree, and every
other example must run. The queries are read from README.md itself, so an edited example is tested as edited.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cgt_atlas.cli import app
from cgt_atlas.landing import new_run_id
from cgt_atlas.report import build_report
from tests.conftest import shared_path
from tests.registry_helpers import load_replay

README = Path(__file__).parent.parent / "README.md"
SQL_EXAMPLE = re.compile(r'cgt-atlas sql "([^"]+)"')


def readme_queries() -> list[str]:
    """Every `cgt-atlas sql "..."` example in README.md, continuation lines joined."""
    return [" ".join(found.split()) for found in SQL_EXAMPLE.findall(README.read_text(encoding="utf-8"))]


def example(fragment: str) -> str:
    """The one README example containing `fragment` (so the test fails when it is edited away)."""
    [query] = [query for query in readme_queries() if fragment in query]
    return query


@pytest.fixture(scope="module")
def replay_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(data))
        sources = ["ctgov", "euctr", "ictrp", "ema", "curated"]
        load_replay(shared_path("replay"), data / "atlas.duckdb", sources, new_run_id())
    return data / "atlas.duckdb"


def run(db: Path, query: str) -> list[dict]:
    result = CliRunner().invoke(app, ["sql", query, "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, f"{query}\n{result.output}"
    return json.loads(result.output)


def headline(page: str) -> dict[str, int]:
    """The report's key figures, by their label."""
    return {
        label.strip(): int(value.replace(",", ""))
        for value, label in re.findall(r"<div class='kpi'><b>([\d,]+)</b><span>([^<(]+)", page)
    }


def test_every_readme_example_runs(replay_db: Path) -> None:
    queries = readme_queries()
    assert len(queries) >= 8
    for query in queries:
        run(replay_db, query)


def test_the_readme_examples_agree_with_the_report_headline(replay_db: Path) -> None:
    figures = headline(build_report(replay_db))
    [counted] = run(replay_db, example("count(*) as trials"))
    assert counted["trials"] == figures["investigational CGT trials"] > 1000
    assert counted["active"] == figures["CGT trials active now"] > 0
    [countries] = run(replay_db, example("count(distinct country_code) as countries"))
    assert countries["countries"] == figures["countries with a CGT trial site"] > 10


def test_the_regional_example_counts_the_trials_of_mart_trials_per_region(replay_db: Path) -> None:
    rows = run(replay_db, example("from mart_regional_activity"))
    regional = {row["region"]: row["trials"] for row in rows}
    per_region = {
        row["region"]: row["trials"]
        for row in run(
            replay_db,
            "select region, count(*) as trials from (select unnest(regions) as region from mart_trials "
            "where start_year >= 2020) group by region",
        )
    }
    assert regional == per_region and "not CGT" not in regional and None not in regional
    # a trial in two regions counts in both: the regions add up to more than the trials
    [total] = run(replay_db, "select count(*) as trials from mart_trials where start_year >= 2020")
    assert sum(regional.values()) >= total["trials"]
