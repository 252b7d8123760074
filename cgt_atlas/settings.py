"""Paths and defaults, each overridable from the environment so that one checkout serves many setups."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Hosts a base URL may name over plain http: a server on this machine (a test's, a mirror's)."""


def _origin(url: str, name: str) -> str:
    """`url` reduced to scheme://host[:port], or ValueError naming `name` when it is not one we allow."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"{name}={url!r} is not an http(s) URL (e.g. https://host or http://127.0.0.1:8080)")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise ValueError(
            f"{name}={url!r}: plain http is allowed only for 127.0.0.1 or localhost; use https for {host}"
        )
    if parts.path.strip("/") or parts.query:
        raise ValueError(f"{name}={url!r}: give only scheme://host[:port]; the source adds its own paths")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Site:
    """Where a source's server is: its public origin, overridable by CGT_ATLAS_<SOURCE>_BASE_URL.

    The override replaces the host of every URL the source asks for or follows, and keeps the real
    paths, so a mirror or a test server on 127.0.0.1 serves what the public site would.
    """

    source: str
    origin: str
    """The public scheme://host the source fetches from by default (https)."""
    followed_hosts: frozenset[str] = frozenset()
    """Further public hosts whose links the source follows (FDA links files on a second host)."""

    @property
    def env_var(self) -> str:
        return f"CGT_ATLAS_{self.source.upper()}_BASE_URL"

    def base(self) -> str:
        """The origin in force: the environment's, checked, else the public one."""
        from cgt_atlas.errors import ConfigError

        value = os.environ.get(self.env_var, "").strip()
        if not value:
            return self.origin
        try:
            return _origin(value, self.env_var)
        except ValueError as error:
            raise ConfigError(str(error)) from error

    def url(self, path: str) -> str:
        """The URL of one of the source's real paths (starting with /) on the origin in force."""
        return self.base() + path

    def follow(self, url: str) -> str | None:
        """A link found on the source's pages, as the URL to fetch; None when it leads off the site.

        Links to the public hosts are fetched over https (an http link upgraded), or from the
        overriding server when a base URL is set; a link to that server itself is taken as is.
        """
        parts = urlsplit(url)
        base = self.base()
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        if f"{parts.scheme}://{parts.netloc}" == base:
            return url
        public = {urlsplit(self.origin).hostname, *self.followed_hosts}
        if parts.hostname not in public or parts.port not in (None, 80, 443):
            return None
        tail = parts._replace(scheme="", netloc="").geturl()
        if base != self.origin:
            return base + tail
        return f"https://{parts.hostname}{tail}"

    def hosts(self) -> list[str]:
        """The hosts `follow` accepts, for messages."""
        base = urlsplit(self.base()).netloc
        public = sorted({urlsplit(self.origin).hostname or "", *self.followed_hosts})
        return public if base == urlsplit(self.origin).netloc else [base, *public]
