"""The registry list: adding a source means adding its module here and nothing else."""

from __future__ import annotations

from cgt_atlas.errors import ConfigError
from cgt_atlas.sources import (
    ctgov,
    ctis,
    curated,
    ema,
    euctr,
    fda_cgt,
    fda_compliance,
    fda_establishments,
    fda_purplebook,
    healthcanada,
    ictrp,
    swissmedic,
)
from cgt_atlas.sources.base import Source
from cgt_atlas.sources.curated import manufacturing_sites, organisations

SOURCES: dict[str, Source] = {  # type: ignore[misc]
    module.NAME: module
    for module in (
        ctgov,
        euctr,
        ctis,
        ictrp,
        ema,
        fda_purplebook,
        fda_cgt,
        healthcanada,
        swissmedic,
        curated,
        organisations,
        manufacturing_sites,
        fda_establishments,
        fda_compliance,
    )
}


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise ConfigError(f"unknown source {name!r}; known sources: {', '.join(sorted(SOURCES))}") from None
