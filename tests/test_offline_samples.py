"""`refresh --samples`: the offline build takes the agency files and CTIS records from the genuine samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgt_atlas import pipeline
from cgt_atlas.errors import AtlasError
from cgt_atlas.landing import new_run_id
from cgt_atlas.offline import SAMPLE_PAGES, replay_with_samples
from tests.conftest import shared_path
from tests.helpers import query
from tests.registry_helpers import load_replay


def _touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_samples_fill_only_the_sources_the_replay_lacks_with_only_their_pages(tmp_path: Path) -> None:
    replay, samples = tmp_path / "replay", tmp_path / "samples"
    _touch(replay / "ctgov" / "page-0001.json")
    _touch(replay / "swissmedic" / "recorded.xlsx")
    _touch(samples / "swissmedic" / "Packungen.xlsx")
    _touch(samples / "fda_purplebook" / "purplebook.csv")
    _touch(samples / "fda_purplebook" / "PROVENANCE.md")
    _touch(samples / "fda_dashboard" / "compliance_actions_2024-06.csv")
    _touch(samples / "fda_dashboard" / "published_483s_2024-06.csv")
    into, added = replay_with_samples(samples, replay, tmp_path / "combined")
    assert added == ["fda_purplebook", "fda_compliance"]
    folders = sorted(p.name for p in into.iterdir())
    assert folders == ["ctgov", "fda_compliance", "fda_purplebook", "swissmedic"]
    assert [p.name for p in (into / "swissmedic").iterdir()] == ["recorded.xlsx"]  # the replay's own wins
    assert [p.name for p in (into / "fda_purplebook").iterdir()] == ["purplebook.csv"]
    assert [p.name for p in (into / "fda_compliance").iterdir()] == ["compliance_actions_2024-06.csv"]
    assert all(p.is_symlink() for p in (into / "fda_purplebook").iterdir())  # linked, never copied
    # made anew each time: a second call leaves no stale link
    into, added = replay_with_samples(samples, None, tmp_path / "combined")
    assert sorted(p.name for p in into.iterdir()) == ["fda_compliance", "fda_purplebook", "swissmedic"]


def test_a_missing_samples_folder_or_a_landed_run_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AtlasError, match="is not a folder"):
        replay_with_samples(tmp_path / "nowhere", None, tmp_path / "combined")
    landed = tmp_path / "raw" / "ctgov" / "20260101T000000Z"
    _touch(landed / "page-0001.json")
    with pytest.raises(AtlasError, match="not a snapshot of source folders"):
        replay_with_samples(tmp_path, landed, tmp_path / "combined")


def test_the_genuine_samples_load_beside_the_replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    into, added = replay_with_samples(shared_path("samples"), shared_path("replay"), tmp_path / "combined")
    assert added == list(SAMPLE_PAGES)
    for source in [*SAMPLE_PAGES, "ctgov", "ema", "euctr", "ictrp"]:
        landed = pipeline.find_replay(source, into)
        assert landed is not None and landed.pages, source
        assert not [page for page in landed.pages if page.endswith(".md")], source
    monkeypatch.setenv("CGT_ATLAS_DATA", str(tmp_path))
    db = tmp_path / "atlas.duckdb"
    load_replay(into, db, ["fda_purplebook", "healthcanada", "swissmedic", "curated"], new_run_id())
    agencies = dict(query(db, "SELECT agency, count(*) FROM regulatory_records GROUP BY ALL"))
    assert {"FDA", "HC", "SWISSMEDIC"} <= set(agencies), agencies
