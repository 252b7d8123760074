"""Publishing for dashboards and people: marts as Parquet with a manifest, and one offline HTML report.

Both read the warehouse through a read-only connection. The report draws its charts as inline SVG,
so the file needs nothing from the network.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cgt_atlas.settings import MODELS_DIR
from warehouse.load import connect_reader

REGION_COLOURS = {
    "North America": "#1f77b4",
    "Europe": "#2ca02c",
    "Asia-Pacific": "#d62728",
    "Latin America": "#ff7f0e",
    "Middle East & Africa": "#9467bd",
}
MODALITY_COLOURS = {
    "CAR-T": "#1f77b4",
    "CAR-NK and other CAR cells": "#aec7e8",
    "TCR-T": "#ff7f0e",
    "TIL": "#ffbb78",
    "other gene-modified cell therapy": "#2ca02c",
    "AAV gene therapy": "#98df8a",
    "lentiviral or retroviral ex vivo gene therapy": "#d62728",
    "other viral-vector gene therapy": "#ff9896",
    "oncolytic virus": "#9467bd",
    "gene editing": "#c5b0d5",
    "non-viral gene therapy": "#8c564b",
    "non-genetically-modified cell therapy": "#e377c2",
    "tissue-engineered product": "#bcbd22",
    "unclassified CGT": "#7f7f7f",
    "not CGT": "#dddddd",
}


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.sql(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'mart\\_%' ESCAPE '\\' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]


def _minute(iso_timestamp: object) -> str:
    """An ISO timestamp as a person reads it: 2026-12-01 19:20 UTC."""
    if not iso_timestamp:
        return ""
    return datetime.fromisoformat(str(iso_timestamp)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _seconds(iso_timestamp: str) -> str:
    """An ISO timestamp to the second, in UTC: what a provenance line needs."""
    return datetime.fromisoformat(iso_timestamp).astimezone(UTC).isoformat(timespec="seconds")


def freshness(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """The last successful run of each source: when, how, and its watermark."""
    rows = con.sql(
        """
        SELECT source, arg_max(run_id, finished_at), arg_max(mode, finished_at), max(finished_at),
            arg_max(rows_loaded, finished_at), max(watermark)
        FROM pipeline_runs GROUP BY source ORDER BY source
        """
    ).fetchall()
    return [
        {
            "source": source,
            "run_id": run_id,
            "mode": mode,
            "finished_at": finished.isoformat() if finished else None,
            "rows_loaded": loaded,
            "watermark": watermark,
        }
        for source, run_id, mode, finished, loaded, watermark in rows
    ]


EXPORT_BATCH_ROWS = 100_000
"""Rows per Arrow batch on their way to Parquet: memory stays flat however large a mart grows."""


def _arrow_reader(relation: duckdb.DuckDBPyRelation) -> pa.RecordBatchReader:
    """The relation streamed as Arrow batches (to_arrow_reader now; fetch_record_batch in older DuckDB)."""
    to_reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
    return to_reader(EXPORT_BATCH_ROWS)


PROVENANCE_PREFIX = "cgt_atlas."
"""Every provenance key an export writes starts with this, so it never collides with a tool's own keys."""

EXPORT_FORMATS = ("parquet", "csv")


def _parquet_metadata(provenance: dict[str, str]) -> dict[bytes, bytes]:
    return {(PROVENANCE_PREFIX + key).encode(): value.encode() for key, value in provenance.items()}


@contextmanager
def _written_beside(target: Path) -> Iterator[Path]:
    """A path beside target to write to, renamed to target only when the writing succeeded.

    A failed export never leaves a half-written file under the real name.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def write_parquet(
    relation: duckdb.DuckDBPyRelation, target: Path, provenance: dict[str, str] | None = None
) -> int:
    """Stream relation into target through pyarrow, provenance as key-value metadata; returns the rows.

    The sealed reader cannot COPY to a file (that would let any query write anywhere), so the
    project writes the file itself, to the one path the user asked for.
    """
    rows = 0
    with _written_beside(target) as partial, _arrow_reader(relation) as reader:
        schema = reader.schema.with_metadata(_parquet_metadata(provenance or {}))
        with pq.ParquetWriter(partial, schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    return rows


NESTED_TYPE = re.compile(r"\[\]$|^(STRUCT|MAP|UNION)\b")


def _flat_columns(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Nested columns (lists, structs, maps) as text: a CSV cell holds one value."""
    if not any(NESTED_TYPE.search(str(kind)) for kind in relation.types):
        return relation
    return relation.project(
        ", ".join(
            f'CAST("{name}" AS VARCHAR) AS "{name}"' if NESTED_TYPE.search(str(kind)) else f'"{name}"'
            for name, kind in zip(relation.columns, relation.types, strict=True)
        )
    )


def write_csv(
    relation: duckdb.DuckDBPyRelation, target: Path, provenance: dict[str, str] | None = None
) -> int:
    """Write relation as CSV after a header of `# key: value` lines (its provenance); returns the rows.

    DuckDB skips the header with read_csv(..., comment='#'). Written as write_parquet writes.
    """
    rows = 0
    with _written_beside(target) as partial, partial.open("wb") as sink:
        for key, value in (provenance or {}).items():
            sink.write(f"# {key}: {' '.join(value.split())}\n".encode())
        with _arrow_reader(_flat_columns(relation)) as reader, pacsv.CSVWriter(sink, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    return rows


def model_grain(name: str) -> str:
    """The first sentence of a mart's header comment (its grain, "Grain: " left out) as one line."""
    path = MODELS_DIR / "marts" / f"{name}.sql"
    if not path.exists():
        return ""
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        header.append(line.lstrip("-").strip())
    text = " ".join(" ".join(header).split()).removeprefix("Grain: ")
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "." and depth == 0 and (index + 1 == len(text) or text[index + 1] == " "):
            return text[: index + 1]
    return text


def export_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention): two exports of one
    warehouse made with the same SOURCE_DATE_EPOCH are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def provenance(con: duckdb.DuckDBPyConnection, exported_at: datetime) -> dict[str, str]:
    """Where the exported data came from: the last run, each source's last run, the classifier rules.

    Keys in a fixed order; values are text (Parquet key-value metadata and CSV header lines).
    """
    run_id, built = con.sql(
        "SELECT arg_max(run_id, finished_at), max(finished_at) FROM pipeline_runs"
    ).fetchall()[0]
    version = con.sql("SELECT max(rules_version) FROM classifier_rules").fetchall()[0][0]
    out = {
        "run_id": run_id or "",
        "built_at": _seconds(built.isoformat()) if built else "",
        "classifier_rules_version": version or "",
        "exported_at": exported_at.isoformat(timespec="seconds"),
    }
    for source in freshness(con):
        finished = source["finished_at"]
        out[f"source.{source['source']}"] = (
            f"{source['mode']} run {source['run_id']} finished "
            f"{_seconds(finished) if finished else 'never'}"
            + (f", newest record {source['watermark']}" if source["watermark"] else "")
        )
    return out


def export_marts(db_path: Path, out_dir: Path, fmt: str = "parquet") -> dict[str, object]:
    """Write every mart as DIR/<mart>.<fmt> (provenance inside each file) and DIR/manifest.json;
    returns the manifest."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    write = write_parquet if fmt == "parquet" else write_csv
    out_dir.mkdir(parents=True, exist_ok=True)
    exported_at = export_time()
    con = connect_reader(db_path)
    try:
        common = provenance(con, exported_at)
        tables = {}
        for name in mart_names(con):
            target = out_dir / f"{name}.{fmt}"
            relation = con.table(name)
            grain = model_grain(name)
            tables[name] = {
                "file": target.name,
                "format": fmt,
                "rows": write(relation, target, {"table": name, "grain": grain, **common}),
                "columns": list(relation.columns),
                "grain": grain,
            }
        manifest = {
            "exported_at": common["exported_at"],
            "warehouse": str(db_path),
            "run_id": common["run_id"],
            "built_at": common["built_at"] or None,
            "classifier_rules_version": common["classifier_rules_version"] or None,
            "format": fmt,
            "sources": freshness(con),
            "tables": tables,
        }
    finally:
        con.close()
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


# --- SVG charts -------------------------------------------------------------------------------------


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def line_chart(
    series: dict[str, list[tuple[int, float]]], colours: dict[str, str], width: int = 880, height: int = 320
) -> str:
    """Lines over years, one per series, with axes, gridlines and a legend."""
    left, right, top, bottom = 50, 170, 15, 35
    years = sorted({year for points in series.values() for year, _ in points})
    if not years:
        return "<p class='empty'>No data.</p>"
    top_value = _nice_max(max(value for points in series.values() for _, value in points))
    x0, x1 = years[0], max(years[-1], years[0] + 1)

    def x(year: int) -> float:
        return left + (year - x0) / (x1 - x0) * (width - left - right)

    def y(value: float) -> float:
        return top + (1 - value / top_value) * (height - top - bottom)

    parts = [f"<svg viewBox='0 0 {width} {height}' role='img' class='chart'>"]
    for i in range(5):
        value = top_value * i / 4
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y(value):.1f}' y2='{y(value):.1f}' class='grid'/>"
        )
        parts.append(
            f"<text x='{left - 6}' y='{y(value) + 4:.1f}' class='tick' text-anchor='end'>{value:g}</text>"
        )
    step = max(1, (x1 - x0) // 8)
    for year in range(x0, x1 + 1, step):
        parts.append(
            f"<text x='{x(year):.1f}' y='{height - 12}' class='tick' text-anchor='middle'>{year}</text>"
        )
    for row, (name, points) in enumerate(series.items()):
        colour = colours.get(name, "#555")
        path = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in sorted(points))
        parts.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2.2'/>")
        ly = top + 8 + row * 20
        parts.append(f"<rect x='{width - right + 14}' y='{ly - 9}' width='12' height='12' fill='{colour}'/>")
        parts.append(f"<text x='{width - right + 32}' y='{ly + 1}' class='legend'>{_esc(name)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(rows: dict[str, dict[str, float]], colours: dict[str, str], width: int = 880) -> str:
    """One horizontal bar per row, split into shares of its total, with a legend below."""
    label_width, bar_height, gap = 160, 24, 10
    keys = [key for key in colours if any(key in parts for parts in rows.values())]
    legend_rows = (len(keys) + 2) // 3
    height = len(rows) * (bar_height + gap) + 20 + legend_rows * 20
    parts = [f"<svg viewBox='0 0 {width} {height}' role='img' class='chart'>"]
    span = width - label_width - 70
    for index, (name, values) in enumerate(rows.items()):
        total = sum(values.values()) or 1
        y = 10 + index * (bar_height + gap)
        parts.append(
            f"<text x='{label_width - 8}' y='{y + 16}' class='label' text-anchor='end'>{_esc(name)}</text>"
        )
        x = float(label_width)
        for key in keys:
            share = values.get(key, 0) / total
            if share <= 0:
                continue
            w = share * span
            parts.append(
                f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='{bar_height}' fill='{colours[key]}'>"
                f"<title>{_esc(name)}: {_esc(key)} {values[key]:g} ({share:.0%})</title></rect>"
            )
            if w > 34:
                parts.append(
                    f"<text x='{x + w / 2:.1f}' y='{y + 16}' class='inbar' "
                    f"text-anchor='middle'>{share:.0%}</text>"
                )
            x += w
        parts.append(f"<text x='{x + 6:.1f}' y='{y + 16}' class='tick'>{total:g}</text>")
    legend_top = len(rows) * (bar_height + gap) + 20
    for index, key in enumerate(keys):
        lx = 10 + (index % 3) * (width // 3)
        ly = legend_top + (index // 3) * 20
        parts.append(f"<rect x='{lx}' y='{ly - 10}' width='12' height='12' fill='{colours[key]}'/>")
        parts.append(f"<text x='{lx + 18}' y='{ly}' class='legend'>{_esc(key)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def bars(rows: list[tuple[str, float, str]], width: int = 880, fmt: str = "{:g}") -> str:
    """Horizontal bars (label, value, colour), largest first as given."""
    label_width, bar_height, gap = 180, 18, 6
    height = len(rows) * (bar_height + gap) + 10
    top_value = max((value for _, value, _ in rows), default=1) or 1
    span = width - label_width - 80
    parts = [f"<svg viewBox='0 0 {width} {height}' role='img' class='chart'>"]
    for index, (label, value, colour) in enumerate(rows):
        y = 5 + index * (bar_height + gap)
        w = value / top_value * span
        parts.append(
            f"<text x='{label_width - 8}' y='{y + 13}' class='label' text-anchor='end'>{_esc(label)}</text>"
        )
        parts.append(
            f"<rect x='{label_width}' y='{y}' width='{w:.1f}' height='{bar_height}' fill='{colour}' rx='2'/>"
        )
        parts.append(
            f"<text x='{label_width + w + 6:.1f}' y='{y + 13}' class='tick'>{fmt.format(value)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _table(columns: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else _esc(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;
  color:#222;margin:0;background:#f6f7f9}
main{max-width:960px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:18px;margin:32px 0 6px;border-bottom:1px solid #e3e5e8;padding-bottom:4px}
.sub{color:#666;margin:0 0 8px}.note{color:#666;font-size:12.5px;margin:4px 0 0}
.kpis{display:flex;gap:14px;margin:18px 0 4px}
.kpi{flex:1;background:#f1f4f8;border-radius:6px;padding:10px 14px}
.kpi b{display:block;font-size:22px}.kpi span{color:#555;font-size:12px}
svg.chart{width:100%;height:auto;display:block}.grid{stroke:#e6e6e6}.tick{font-size:11px;fill:#555}
.label{font-size:12px;fill:#333}.legend{font-size:12px;fill:#333}.inbar{font-size:11px;fill:#fff;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin-top:6px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left}
th{background:#f1f4f8}footer{color:#888;font-size:12px;margin-top:32px}
"""


FIRST_CHART_YEAR = 2005
"""The per-year chart starts here; earlier trials are counted beside it, as undated ones are."""


def build_report(db_path: Path) -> str:
    """The HTML report: self-contained (inline CSS and SVG, no scripts, nothing fetched)."""
    con = connect_reader(db_path)
    try:
        by_year = con.sql(
            f"""
            SELECT region, start_year, sum(trials_started) FROM mart_regional_activity
            WHERE modality <> 'not CGT' AND region IS NOT NULL
                AND start_year BETWEEN {FIRST_CHART_YEAR} AND year(current_date)
            GROUP BY ALL ORDER BY ALL
            """
        ).fetchall()
        off_chart = con.sql(
            f"""
            SELECT region,
                sum(trials_started) FILTER (
                    WHERE start_year BETWEEN {FIRST_CHART_YEAR} AND year(current_date)),
                sum(trials_started) FILTER (WHERE start_year IS NULL),
                sum(trials_started) FILTER (WHERE start_year < {FIRST_CHART_YEAR}),
                sum(trials_started) FILTER (WHERE start_year > year(current_date))
            FROM mart_regional_activity WHERE modality <> 'not CGT' AND region IS NOT NULL
            GROUP BY region ORDER BY region
            """
        ).fetchall()
        no_site = con.sql(
            """
            SELECT count(DISTINCT cluster_id) FROM mart_cluster_countries
            WHERE region IS NULL AND modality <> 'not CGT' AND is_started AND counts_as_development
            """
        ).fetchall()[0][0]
        mix = con.sql(
            """
            SELECT region, modality, sum(trials_started) FROM mart_regional_activity
            WHERE modality <> 'not CGT' AND region IS NOT NULL GROUP BY ALL
            """
        ).fetchall()
        countries = con.sql(
            """
            SELECT country, min(region), sum(trials_started) AS trials FROM mart_country_activity
            WHERE modality <> 'not CGT' AND country IS NOT NULL
            GROUP BY country ORDER BY trials DESC, country LIMIT 15
            """
        ).fetchall()
        lag = con.sql(
            """
            SELECT display_name, first_agency, first_date, fda_approval_date, fda_lag_days,
                ema_approval_date, ema_lag_days, pmda_approval_date, pmda_lag_days
            FROM mart_regulatory_lag WHERE first_date IS NOT NULL
            ORDER BY first_date, display_name, product_id
            """
        ).fetchall()
        totals = con.sql(
            """
            SELECT count(DISTINCT cluster_id) FILTER (WHERE modality <> 'not CGT'),
                count(DISTINCT cluster_id) FILTER (WHERE modality <> 'not CGT' AND is_active),
                count(DISTINCT country_code) FILTER (WHERE modality <> 'not CGT')
            FROM mart_cluster_countries
            """
        ).fetchall()[0]
        products = con.sql("SELECT count(*) FROM products").fetchall()[0][0]
        duplicates = con.sql(
            "SELECT count(*) FROM trial_clusters WHERE registry_cluster_id <> cluster_id AND "
            "registry_cluster_id = trial_id"
        ).fetchall()[0][0]
        fresh = freshness(con)
        version = con.sql("SELECT max(rules_version) FROM classifier_rules").fetchall()[0][0]
    finally:
        con.close()

    latest_year = max((year for _, year, _ in by_year), default=None)
    series: dict[str, list[tuple[int, float]]] = {}
    for region, year, trials in by_year:
        series.setdefault(region, []).append((year, float(trials)))
    mix_rows: dict[str, dict[str, float]] = {}
    for region, modality, trials in sorted(mix):
        mix_rows.setdefault(region, {})[modality] = float(trials)
    country_bars = [(c, float(t), REGION_COLOURS.get(r, "#555")) for c, r, t in countries]
    ema_lags = sorted(((row[0], float(row[6])) for row in lag if row[6] is not None), key=lambda r: -r[1])
    lag_points = [(_short(name), days, "#2ca02c") for name, days in ema_lags if days > 0]
    ema_first = sum(1 for _, days in ema_lags if days == 0)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    sections = [
        "<h1>Cell and gene therapy activity by region</h1>",
        f"<p class='sub'>cgt-atlas report, generated {generated} from <code>{_esc(db_path.name)}</code>. "
        "Trials are counted once across registries (clusters), and so are probable duplicate registrations "
        f"of one protocol ({duplicates} merged; <code>trial_links.link_kind</code>); modality from "
        f"classifier rules v{_esc(version)}.</p>",
        "<div class='kpis'>"
        f"<div class='kpi'><b>{totals[0]:,}</b><span>CGT trials (all years)</span></div>"
        f"<div class='kpi'><b>{totals[1]:,}</b><span>CGT trials active now</span></div>"
        f"<div class='kpi'><b>{totals[2]}</b><span>countries with a CGT trial site</span></div>"
        f"<div class='kpi'><b>{products}</b><span>approved or refused CGT products</span></div></div>",
        "<section id='trials-by-region'><h2>CGT trials started per year, by region</h2>",
        line_chart(series, REGION_COLOURS),
        "<p class='note'>A trial with sites in two regions counts in both. "
        + (
            f"{latest_year}, the latest year drawn, is partial: it counts trials started by the time "
            "the data was fetched. "
            if latest_year
            else ""
        )
        + "Trials with no start date in any registry cannot be placed on the time axis: they are counted "
        "per region below (<code>start_year</code> NULL in the marts), never dropped. "
        f"{no_site:,} more started CGT trials list no site or country in any registry: the marts count them "
        "on a row with <code>region</code> NULL.</p>",
        _table(
            ["region", "drawn", "undated (no start date)", f"before {FIRST_CHART_YEAR}", "after this year"],
            [tuple(0 if value is None else value for value in row) for row in off_chart],
        ),
        "</section>",
        "<section id='modality-mix'><h2>Modality mix by region</h2>",
        stacked_bars(mix_rows, MODALITY_COLOURS),
        "<p class='note'>Share of each region's CGT trials (all years) by primary modality; the number after "
        "each bar is the region's total.</p></section>",
        "<section id='top-countries'><h2>Top countries by CGT trials</h2>",
        bars(country_bars),
        "<p class='note'>Trials with at least one site in the country, all start years; colour is the "
        "region.</p></section>",
        "<section id='regulatory-lag'>"
        "<h2>Regulatory lag: days from first approval anywhere to EMA approval</h2>",
        bars(lag_points, fmt="{:.0f} d") if lag_points else "<p class='empty'>No EMA lags.</p>",
        f"<p class='note'>{ema_first} more products were approved by EMA before any other agency (lag 0); "
        "products only one agency approved have no lag.</p>",
        _table(
            [
                "product",
                "first",
                "first date",
                "FDA",
                "FDA lag (d)",
                "EMA",
                "EMA lag (d)",
                "PMDA",
                "PMDA lag (d)",
            ],
            lag,
        ),
        "<p class='note'>mart_regulatory_lag: lags only where both dates are known to the day and "
        "another agency approved the product too; signed lags per agency pair: "
        "mart_regulatory_lag_pairs.</p></section>",
        "<section id='freshness'><h2>Data freshness</h2>",
        _table(
            ["source", "last run", "mode", "finished", "records", "newest record update"],
            [
                (
                    row["source"],
                    row["run_id"],
                    row["mode"],
                    _minute(row["finished_at"]),
                    row["rows_loaded"],
                    row["watermark"],
                )
                for row in fresh
            ],
        ),
        "</section>",
        "<footer>Sources: ClinicalTrials.gov, EU CTR, WHO ICTRP, EMA, FDA and curated agency facts. "
        "Definitions: docs/data-contract.md and docs/classifier.md.</footer>",
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>cgt-atlas report</title><style>{STYLE}</style></head><body><main>"
        + "".join(sections)
        + "</main></body></html>"
    )
