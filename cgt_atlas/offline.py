"""An offline build of every source with a genuine recording: the replay snapshot plus the agency files.

`../shared/replay/` holds the registries' recorded pages; the regulators' own files (Purple Book, Health
Canada, Swissmedic, FDA establishments and compliance actions) and the CTIS records are genuine samples in
`../shared/samples/<folder>/`, beside their PROVENANCE.md and CONTRACT.md. `refresh --samples DIR` links those
files (symlinks, nothing copied) into one replay folder under data/, beside the replay's own source folders,
so a newcomer's offline warehouse holds every source that can be had without the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from cgt_atlas.errors import AtlasError
from cgt_atlas.settings import data_dir

SAMPLE_PAGES = {
    "ctis": "ctis/*.json",
    "fda_purplebook": "fda_purplebook/*.csv",
    "healthcanada": "healthcanada/*.zip",
    "swissmedic": "swissmedic/*.xlsx",
    "fda_establishments": "fda_establishments/*.xlsx",
    "fda_compliance": "fda_dashboard/compliance_actions_*.csv",
}
"""Source -> its pages in the samples folder, as ../shared/samples lays them out (its README lists them): only
the files a source reads (not the PROVENANCE.md or CONTRACT.md beside them, nor the 483 list beside FDA's
compliance actions). A source the replay already holds keeps the replay's pages."""


class SamplesMissing(AtlasError):
    hint = "give the samples folder beside the project: --samples ../shared/samples (../shared/README.md)."


def replay_with_samples(
    samples: Path, replay: Path | None, into: Path | None = None
) -> tuple[Path, list[str]]:
    """One replay folder (`into`, default data/replay-with-samples/, made anew): a link to each source folder
    of `replay`, and for every source it lacks, links to that source's sample files. Returns the folder and
    the sources taken from the samples."""
    if not samples.is_dir():
        raise SamplesMissing(f"{samples} is not a folder")
    if replay is not None and not any(p.is_dir() for p in replay.iterdir()):
        raise SamplesMissing(
            f"{replay} is not a snapshot of source folders (DIR/<source>/): --samples adds to one such as "
            "../shared/replay, not to a landed run"
        )
    into = into or data_dir() / "replay-with-samples"
    if into.is_symlink() or into.is_file():
        into.unlink()
    elif into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    if replay is not None:
        for folder in sorted(p for p in replay.iterdir() if p.is_dir()):
            (into / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
    added = []
    for source, pattern in SAMPLE_PAGES.items():
        pages = sorted(p for p in samples.glob(pattern) if p.is_file())
        if (into / source).exists() or not pages:
            continue
        (into / source).mkdir()
        for page in pages:
            (into / source / page.name).symlink_to(page.resolve())
        added.append(source)
    if not added and replay is None:
        raise SamplesMissing(f"{samples} holds none of the sample files {', '.join(SAMPLE_PAGES.values())}")
    return into, added
