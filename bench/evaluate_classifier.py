"""Print the modality classifier's precision and recall per class (same as `cgt-atlas evaluate`).

Usage: uv run python bench/evaluate_classifier.py [--db /tmp/c.duckdb]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from warehouse.evaluation import report

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=None, help="a warehouse built from the replay")
    args = parser.parse_args()
    print(report(args.db))
