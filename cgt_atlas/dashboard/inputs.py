"""What the dashboard accepts from a browser: every callback input checked against the values it can take.

A callback's inputs arrive as JSON that anyone can send (a crafted POST, an edited link), not only what the
page's own controls produce. Each value is checked here; one that is not allowed falls back to its default
view and is named in a short notice, so a bad request never reaches a query and never answers HTTP 500.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from cgt_atlas.dashboard.queries import Filters

COUNTRY_CODE = re.compile(r"[A-Z]{2}")
"""ISO 3166-1 alpha-2: two letters, nothing else (no quotes, brackets or spaces can pass)."""
INCLUDE_UNDATED = "include"


@dataclass(frozen=True)
class Choices:
    """The values each filter offers, read from the warehouse when the app starts."""

    regions: frozenset[str]
    modalities: frozenset[str]
    sponsor_classes: frozenset[str]
    phases: frozenset[str]
    years: tuple[int, int]
    countries: frozenset[str]

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Choices:
        lo, hi = options["years"]
        return cls(
            regions=_values(options["regions"]),
            modalities=_values(options["modalities"]),
            sponsor_classes=_values(options["sponsor_classes"]),
            phases=_values(options["phases"]),
            years=(int(lo), int(hi)),
            countries=_values(options["countries"]),
        )


def _values(options: list[Any]) -> frozenset[str]:
    """What a dropdown sends: its options' values, whether given bare or as {"label", "value"}."""
    return frozenset(option["value"] if isinstance(option, dict) else option for option in options)


def _picked(value: Any, allowed: frozenset[str]) -> list[str] | None:
    """A multi-select's value: a list of allowed strings (None or [] means all); None when not allowed."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, str) and item in allowed for item in value):
        return list(value)
    return None


def _whole(value: Any) -> int | None:
    """A finite whole number (JSON may send 2020.0), else None; booleans are not years."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        return None
    return int(value)


def _year_range(value: Any, span: tuple[int, int]) -> tuple[int, int] | None:
    """Two whole years in order, held to the years the warehouse has (a link made on an older warehouse
    may reach past them); None for anything else."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    first, last = (_whole(item) for item in value)
    if first is None or last is None or first > last:
        return None
    return max(first, span[0]), min(last, span[1])


def country_code(value: Any, known: frozenset[str]) -> str | None:
    """A country the warehouse holds, as its two-letter code; None for anything else."""
    if isinstance(value, str) and COUNTRY_CODE.fullmatch(value) and value in known:
        return value
    return None


def country_from_link(search: Any, known: frozenset[str]) -> tuple[str | None, str]:
    """The country a link such as ?country=DE opens on, and a notice when the link asks for one it cannot."""
    if not isinstance(search, str) or not search.strip("?"):
        return None, ""
    asked = parse_qs(search.lstrip("?")).get("country")
    if not asked:
        return None, ""
    code = asked[0].strip().upper()
    if country_code(code, known):
        return code, ""
    return None, "The link's country is not a two-letter code of a country with trials here: showing all."


def checked_filters(
    choices: Choices,
    regions: Any,
    modalities: Any,
    sponsor_classes: Any,
    phases: Any,
    years: Any,
    undated: Any,
    country: Any,
) -> tuple[Filters, str | None, str]:
    """The filters the callback was sent, each checked; what was not allowed is reset to its default
    (everything shown) and named in the notice (empty when all was well)."""
    rejected = []
    picked = {}
    for name, value, allowed in (
        ("region", regions, choices.regions),
        ("modality", modalities, choices.modalities),
        ("lead sponsor type", sponsor_classes, choices.sponsor_classes),
        ("phase", phases, choices.phases),
    ):
        picked[name] = _picked(value, allowed)
        if picked[name] is None:
            rejected.append(name)
    span = _year_range(years, choices.years) if years is not None else choices.years
    if span is None:
        rejected.append("start year")
    undated_ok = undated is None or (
        isinstance(undated, list) and all(item == INCLUDE_UNDATED for item in undated)
    )
    if not undated_ok:
        rejected.append("undated trials")
    code = country_code(country, choices.countries) if country is not None else None
    if country is not None and code is None:
        rejected.append("country")
    filters = Filters(
        regions=picked["region"] or [],
        modalities=picked["modality"] or [],
        sponsor_classes=picked["lead sponsor type"] or [],
        phases=picked["phase"] or [],
        years=span or choices.years,
        include_undated=not undated_ok or INCLUDE_UNDATED in (undated or []),
    )
    notice = (
        f"Not a value this dashboard offers, so showing all instead: {', '.join(rejected)}."
        if rejected
        else ""
    )
    return filters, code, notice
