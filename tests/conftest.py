"""Shared test fixtures: where ../shared is, and an isolated data folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from cgt_atlas.settings import shared_dir

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = shared_dir()


def shared_path(*parts: str) -> Path:
    """A path inside ../shared (or $CGT_ATLAS_SHARED); skips the test, saying why, when absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"needs {path}: the genuine samples and replay live beside the project in ../shared "
            "(set CGT_ATLAS_SHARED to point elsewhere); they are never committed here"
        )
    return path


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes raw, staged and warehouse files under its own temp folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("CGT_ATLAS_DATA", str(data))
    monkeypatch.delenv("CGT_ATLAS_DB", raising=False)
    return data
