"""Paths and defaults, each overridable from the environment so that one checkout serves many setups."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WAREHOUSE_DIR = PROJECT_ROOT / "warehouse"
SEEDS_DIR = WAREHOUSE_DIR / "seeds"
MODELS_DIR = WAREHOUSE_DIR / "models"
SCHEMAS_DIR = PROJECT_ROOT / "schemas"

USER_AGENT = "cgt-atlas/0.1 (+https://github.com/cgt-atlas/cgt-atlas; open CGT activity map)"


def shared_dir() -> Path:
    """The genuine samples and replay beside the project (read in place, never committed)."""
    return Path(os.environ.get("CGT_ATLAS_SHARED", str(PROJECT_ROOT.parent / "shared")))


def data_dir() -> Path:
    """Where raw landings, staged files and the default warehouse live."""
    return Path(os.environ.get("CGT_ATLAS_DATA", "data"))


def default_db_path() -> Path:
    return Path(os.environ.get("CGT_ATLAS_DB", str(data_dir() / "cgt_atlas.duckdb")))


def raw_dir() -> Path:
    return data_dir() / "raw"


def staged_dir() -> Path:
    return data_dir() / "staged"


def min_request_interval() -> float:
    """Seconds between requests to one host; ClinicalTrials.gov's robots.txt asks for 1."""
    return float(os.environ.get("CGT_ATLAS_MIN_INTERVAL", "1.0"))


DEFAULT_REQUEST_DEADLINE = 300.0
DEFAULT_FETCH_DEADLINE = 7200.0


def request_deadline() -> float:
    """Seconds one HTTP exchange may take, body included: a read timeout alone lets a trickle run on."""
    return float(os.environ.get("CGT_ATLAS_REQUEST_DEADLINE", str(DEFAULT_REQUEST_DEADLINE)))


def fetch_deadline() -> float:
    """Seconds one source's whole fetch may take (all its pages, retries and waits), so a run always ends."""
    return float(os.environ.get("CGT_ATLAS_FETCH_DEADLINE", str(DEFAULT_FETCH_DEADLINE)))
