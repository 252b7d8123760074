"""Write a synthetic scale-up of the replay's ctgov pages: N copies of every real study, new NCT ids.

Copy 0 keeps the real ids; copy k gives study i the id NCT{k*10000+i:08d}, which no real
trial in the replay uses. Pages hold 1000 studies, chained by placeholder tokens, with
totalCount on the first page, like the API.

    uv run python bench/make_scaled.py --copies 50 --out /tmp/ctgov-x50
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cgt_atlas.settings import shared_dir

PAGE_SIZE = 1000


def scaled_studies(source: Path, copies: int):
    studies = []
    for page in sorted(source.glob("*.json")):
        studies.extend(json.loads(page.read_bytes())["studies"])
    for copy in range(copies):
        for index, study in enumerate(studies):
            if copy:
                study = json.loads(json.dumps(study))
                ident = study["protocolSection"]["identificationModule"]
                ident["nctId"] = f"NCT{copy * 10000 + index:08d}"
            yield study
    return len(studies) * copies


def write_pages(source: Path, copies: int, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    real = sum(len(json.loads(p.read_bytes())["studies"]) for p in sorted(source.glob("*.json")))
    total = real * copies
    pages = -(-total // PAGE_SIZE)
    batch: list[dict] = []
    page_no = 0

    def flush() -> None:
        nonlocal page_no, batch
        page_no += 1
        body: dict = {"studies": batch}
        if page_no == 1:
            body["totalCount"] = total
        if page_no < pages:
            body["nextPageToken"] = f"synthetic-page-{page_no + 1:04d}"
        (out / f"page-{page_no:04d}.json").write_text(json.dumps(body), encoding="utf-8")
        batch = []

    for study in scaled_studies(source, copies):
        batch.append(study)
        if len(batch) == PAGE_SIZE:
            flush()
    if batch:
        flush()
    return total


def main() -> None:
    shared = shared_dir()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--source", type=Path, default=shared / "replay" / "ctgov")
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for the pages (DIR/ctgov/ for replay)"
    )
    args = parser.parse_args()
    total = write_pages(args.source, args.copies, args.out)
    print(f"wrote {total} studies to {args.out}")


if __name__ == "__main__":
    main()
