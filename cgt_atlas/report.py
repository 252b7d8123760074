"""The offline HTML report: one self-contained file an analyst can publish.

It reads the warehouse through a read-only connection and draws its charts with altair, rendered to
static inline SVG (cgt_atlas.charts), so the file has no script and needs nothing from the network.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cgt_atlas import charts
from cgt_atlas.publish import freshness, minute_text
from cgt_atlas.sources import SOURCES
from warehouse.load import connect_reader
from warehouse.run_changes import CHANGE_LABELS, change_counts

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


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


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
figure{margin:8px 0}figure svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin-top:6px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left}
th{background:#f1f4f8}td{white-space:nowrap}td:first-child{white-space:normal}
.searches code{font-size:11.5px;word-break:break-word}
.sample{background:#fff6e0;border-left:4px solid #e0a800;padding:8px 12px;margin:10px 0}
summary{cursor:pointer;color:#345;margin-top:6px}footer{color:#888;font-size:12px;margin-top:32px}
"""


MODEL_COLOURS = {"made per patient": "#8c510a", "batch or other": "#35978f"}
"""Per-patient against batch manufacturing: brown and teal, colours no region uses (red is Asia-Pacific)."""
AGENCY_SCHEME = "dark2"
"""Agencies (approvals, lag) take a Vega scheme of their own: blue never means both FDA and North America."""

FIRST_CHART_YEAR = 2005
"""The per-year chart starts here; earlier trials are counted beside it, as undated ones are."""


MEASURED_QUALITY = (
    "2026.12.7",
    "on the held-out half of a hand-labelled ClinicalTrials.gov download of 329 mesenchymal cell trials, "
    'CGT precision 0.979 and recall 0.953 (docs/classifier.md, "Measured quality"); 1.000 and 1.000 on '
    "the 60 hand-labelled texts and the 232 genuine ClinicalTrials.gov samples",
)
"""The classifier's measured quality as docs/classifier.md states it (rules version, figures): quoted, not
recomputed, so the report says which rules version the figures belong to."""

HEADLINE_SQL = """
SELECT (SELECT count(*) FROM mart_trials) AS trials,
    (SELECT count(*) FROM mart_trials WHERE is_active) AS active,
    (SELECT count(DISTINCT country_code) FROM mart_country_activity WHERE trials_started > 0) AS countries
"""
"""The headline figures: counted trials (mart_trials, one row per trial), those active now, and countries with
a site of one. README.md's examples give the same figures (tests/test_readme_examples.py)."""


PHASE_ORDER = ["EARLY_PHASE1", "PHASE1", "PHASE1/PHASE2", "PHASE2", "PHASE2/PHASE3", "PHASE3", "PHASE4", "NA"]
"""Registry phase codes in funnel order (labels come from the warehouse's phase_label, as in mart_trials); any
other code, then no phase, after them."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    """Query rows as dicts (the inline data of a chart)."""
    relation = con.sql(sql)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def _disagreements_text(total: int, corroborated: int) -> str:
    """How many source disagreements there are and how they were settled (mart_source_disagreements)."""
    if not total:
        return "No two sources disagree on an agency's date or status for the same product."
    return (
        f"Sources disagree on {total} agency decision{'s' if total != 1 else ''} (date or status): "
        f"{total - corroborated} settled by precedence (the agency's own file, then its web pages, then our "
        f"transcription), {corroborated} by a date the agency's own file implies and another source gives "
        "(every one with both values and sources: mart_source_disagreements)."
    )


def _figure(section_id: str, title: str, chart: object, note: str) -> str:
    """A report section: heading, the chart as inline SVG, a note on what it counts."""
    return (
        f"<section id='{section_id}'><h2>{_esc(title)}</h2><figure>{charts.to_svg(chart)}</figure>"
        f"<p class='note'>{note}</p></section>"
    )


def _searches(fresh: list[dict[str, object]]) -> str:
    """What each registry was asked for: its search as the live fetch sends it (Source.SEARCH), and
    whether the run that loaded it replayed recorded bodies instead (those hold what was recorded)."""
    modes = {row["source"]: row["mode"] for row in fresh}
    items = []
    for name, module in SOURCES.items():
        search = getattr(module, "SEARCH", None)
        if search is None:
            continue
        if name not in modes:
            status = "not loaded in this warehouse"
        elif modes[name] == "replay":
            status = "this warehouse replayed recorded responses: they hold what the recording asked for"
        else:
            status = f"loaded by a {modes[name]} run"
        items.append(f"<li><b>{_esc(name)}</b> ({_esc(status)}): <code>{_esc(search)}</code></li>")
    return (
        "<p><b>Registry searches.</b> Each registry is searched wide on purpose; the classifier then decides "
        "what is CGT. The searches a live refresh sends:</p><ul class='searches'>" + "".join(items) + "</ul>"
    )


def source_label(name: str) -> str:
    """A source as a reader names it: its DESCRIPTION up to the first colon or bracket."""
    return SOURCES[name].DESCRIPTION.split(":")[0].split(" (")[0] if name in SOURCES else name


def _sources(fresh: list[dict[str, object]], curated_agencies: list[tuple[str, int]]) -> str:
    """The "Sources" paragraph, from what this warehouse loaded (pipeline_runs), not from what could be."""
    loaded = {str(row["source"]): row for row in fresh}
    items = []
    for name, row in loaded.items():
        detail = f"{row['rows_loaded']:,} records" if row["rows_loaded"] is not None else "loaded"
        if name == "curated" and curated_agencies:
            detail += " from " + ", ".join(f"{agency} {rows}" for agency, rows in curated_agencies)
        items.append(f"{_esc(source_label(name))} ({_esc(detail)}, {_esc(row['mode'])})")
    missing = [source_label(name) for name in SOURCES if name not in loaded]
    return (
        "<p><b>Sources.</b> Loaded in this warehouse: "
        + ("; ".join(items) if items else "none")
        + ". "
        + (f"Not loaded here: {_esc(', '.join(missing))}. " if missing else "")
        + "Each source's last successful run and the newest record it holds are below.</p>"
    )


def sample_note(fresh: list[dict[str, object]], modality_mix: list[tuple[str, int]]) -> str:
    """A line under the headline when the trials come from a replayed recording: its figures describe what the
    recording's query returned, not the registries in full (and a query for one modality shows as such)."""
    replayed = [
        source_label(str(row["source"]))
        for row in fresh
        if row["mode"] == "replay" and getattr(SOURCES.get(str(row["source"])), "SEARCH", None)
    ]
    if not replayed:
        return ""
    total = sum(count for _, count in modality_mix)
    top, top_count = max(modality_mix, key=lambda item: (item[1], item[0]), default=("", 0))
    mostly = (
        f" {top_count / total:.0%} of its counted trials are {_esc(top)}: it is a {_esc(top)}-query sample, "
        "so totals and the modality mix describe that sample."
        if total and top_count / total >= 0.5
        else ""
    )
    return (
        "<p class='sample'><b>A replayed sample, not the registries in full.</b> The trial registries here ("
        + _esc(", ".join(replayed))
        + ") were replayed from recorded responses, which hold what the recording's query returned."
        + mostly
        + " A live <code>cgt-atlas refresh</code> fetches the full searches listed under Scope and method."
        "</p>"
    )


def _scope(
    fresh: list[dict[str, object]],
    version: str,
    duplicates: int,
    no_site: int,
    undated: int,
    curated_agencies: list[tuple[str, int]],
) -> str:
    """The "Scope and method" section: sources and their freshness, the classifier, what is counted."""
    quality_version, quality = MEASURED_QUALITY
    measured = (
        f"Measured quality of rules {quality_version}: {quality}."
        if quality_version == version
        else f"Last measured quality (rules {quality_version}, not the version used here): {quality}."
    )
    return (
        "<section id='scope'><h2>Scope and method</h2>"
        + _sources(fresh, curated_agencies)
        + f"<p><b>Classifier.</b> Each trial and product gets a modality from the rules of version "
        f"<code>{_esc(version)}</code> (docs/classifier.md). {_esc(measured)}</p>"
        "<p><b>What is counted.</b> Investigational cell and gene therapy trials: the CGT is the product "
        "under study (follow-up studies of patients treated earlier and studies of CAR-T recipients are "
        "left out), "
        "started or unwilling to say (withdrawn and not-yet-recruiting trials are counted apart in the "
        "marts). "
        "A trial registered in several registries counts once (a cluster), and so do probable duplicate "
        f"registrations of one protocol ({duplicates:,} merged). A trial with sites in two countries or "
        f"regions counts in each. Trials with no start date ({undated:,} clusters) are shown apart, never "
        "dropped; "
        f"{no_site:,} trials list no site or country in any registry and are counted apart too.</p>"
        "<p><b>What is not counted.</b> Trials that are not CGT (including siRNA and antisense drugs that "
        "an agency files as gene therapy), trials in registries not loaded here, compassionate use and "
        "hospital exemptions, and batches actually made: manufacturing demand is an estimate from "
        "enrolment.</p>"
        + _searches(fresh)
        + "<div id='freshness'>"
        + _table(
            ["source", "last run", "mode", "finished", "records", "newest record update", "state"],
            [
                (
                    row["source"],
                    row["run_id"],
                    row["mode"],
                    minute_text(row["finished_at"]),
                    row["rows_loaded"],
                    row["watermark"],
                    f"stale: its last run ({minute_text(row['last_attempt_at'])}) failed"
                    if row["stale"]
                    else "current",
                )
                for row in fresh
            ],
        )
        + "</div></section>"
    )


WHATS_NEW_ROWS = 15
"""Changes listed by name in "What is new"; the rest are counted (`cgt-atlas changes` lists them all)."""


def _whats_new(con: duckdb.DuckDBPyConnection) -> str:
    """The "What is new" section: what the newest refresh that changed anything changed (run_changes)."""
    latest, counts = change_counts(con)
    if latest is None:
        return (
            "<section id='whats-new'><h2>What is new</h2><p>No changes recorded yet: the first refresh is "
            "the baseline, and each later one records what it changes.</p></section>"
        )
    rows = con.execute(
        'SELECT change, source, split_part(entity_key, \'|\', 1), label, "before", "after" FROM run_changes '
        "WHERE run_id = ? ORDER BY list_position(?, change), source, entity_key LIMIT ?",
        [latest, list(CHANGE_LABELS), WHATS_NEW_ROWS],
    ).fetchall()
    summary = ", ".join(f"{count:,} {CHANGE_LABELS.get(change, change)}" for change, count in counts)
    listed = [(CHANGE_LABELS.get(change, change), *rest) for change, *rest in rows]
    total = sum(count for _change, count in counts)
    more = (
        f" The first {WHATS_NEW_ROWS} are listed; `cgt-atlas changes` lists all."
        if total > WHATS_NEW_ROWS
        else ""
    )
    return (
        f"<section id='whats-new'><h2>What is new</h2><p>Refresh {_esc(latest)} changed: {_esc(summary)}."
        f"{_esc(more)}</p>"
        + _table(["change", "source", "id", "what", "before", "after"], listed)
        + "</section>"
    )


def build_report(db_path: Path) -> str:
    """The HTML report: one self-contained file (inline CSS and static SVG, no scripts, nothing fetched)."""
    con = connect_reader(db_path)
    try:
        this_year = con.sql("SELECT year(current_date)").fetchall()[0][0]
        by_year = _rows(
            con,
            f"""
            SELECT region, start_year AS year, sum(trials_started)::INT AS trials FROM mart_regional_activity
            WHERE start_year BETWEEN {FIRST_CHART_YEAR} AND {this_year}
            GROUP BY ALL ORDER BY ALL
            """,
        )
        off_chart = con.sql(
            f"""
            SELECT region,
                sum(trials_started) FILTER (WHERE start_year BETWEEN {FIRST_CHART_YEAR} AND {this_year}),
                sum(trials_started) FILTER (WHERE start_year IS NULL),
                sum(trials_started) FILTER (WHERE start_year < {FIRST_CHART_YEAR}),
                sum(trials_started) FILTER (WHERE start_year > {this_year})
            FROM mart_regional_activity GROUP BY region ORDER BY region
            """
        ).fetchall()
        no_site, undated = con.sql(
            """
            SELECT count(*) FILTER (WHERE len(country_codes) = 0), count(*) FILTER (WHERE start_year IS NULL)
            FROM mart_trials
            """
        ).fetchall()[0]
        mix = _rows(
            con,
            f"""
            SELECT start_year AS year, modality, count(*)::INT AS trials
            FROM mart_trials
            WHERE start_year BETWEEN {FIRST_CHART_YEAR} AND {this_year}
            GROUP BY ALL ORDER BY ALL
            """,
        )
        phases = _rows(
            con,
            """
            SELECT phase AS code, coalesce(phase_label, 'No phase given') AS phase, count(*)::INT AS trials
            FROM mart_trials GROUP BY ALL
            """,
        )
        by_country = dict(
            con.sql(
                """
                SELECT country_code, sum(trials_started)::INT FROM mart_country_activity GROUP BY country_code
                """
            ).fetchall()
        )
        countries = _rows(
            con,
            """
            SELECT country, min(region) AS region, sum(trials_started)::INT AS trials
            FROM mart_country_activity
            GROUP BY country ORDER BY trials DESC, country LIMIT 15
            """,
        )
        # Each trial once per parent (mart_sponsors counts it in every region it has a site in, which suits a
        # per-region ranking but would add a global trial up once per region here).
        sponsors = _rows(
            con,
            """
            SELECT lead_organisation AS sponsor,
                coalesce(hq_region, 'headquarters not known') AS headquarters, count(*)::INT AS trials
            FROM mart_trials WHERE lead_organisation IS NOT NULL
            GROUP BY ALL ORDER BY trials DESC, sponsor LIMIT 15
            """,
        )
        approvals = _rows(
            con,
            """
            SELECT decision_year AS year, agency, approvals FROM mart_approvals_timeline
            WHERE decision_year IS NOT NULL AND approvals > 0 ORDER BY ALL
            """,
        )
        signed_lag = _rows(
            con,
            """
            SELECT display_name AS product, pair, days FROM (
                SELECT display_name, 'EMA after FDA' AS pair,
                    date_diff('day', try_cast(fda_approval_date AS DATE),
                        try_cast(ema_approval_date AS DATE)) AS days
                FROM mart_regulatory_lag
                UNION ALL
                SELECT display_name, 'PMDA after FDA',
                    date_diff('day', try_cast(fda_approval_date AS DATE),
                        try_cast(pmda_approval_date AS DATE))
                FROM mart_regulatory_lag
            ) WHERE days IS NOT NULL ORDER BY product, pair
            """,
        )
        lag = con.sql(
            """
            SELECT display_name, first_agency, first_date, fda_approval_date, fda_lag_days,
                ema_approval_date, ema_lag_days, pmda_approval_date, pmda_lag_days
            FROM mart_regulatory_lag WHERE first_date IS NOT NULL
            ORDER BY first_date, display_name, product_id
            """
        ).fetchall()
        site_products = _rows(
            con,
            """
            SELECT country, 'made per patient' AS model, per_patient_products AS products
            FROM mart_manufacturing_sites WHERE per_patient_products > 0
            UNION ALL
            SELECT country, 'batch or other', products_made - per_patient_products
            FROM mart_manufacturing_sites WHERE products_made > per_patient_products
            ORDER BY ALL
            """,
        )
        registered_sites = con.sql(
            "SELECT coalesce(sum(registered_cgt_sites), 0)::INT, coalesce(sum(registered_left_out), 0)::INT, "
            "coalesce(sum(registered_cgt_org_sites), 0)::INT FROM mart_manufacturing_sites"
        ).fetchall()[0]
        routes = _rows(
            con,
            """
            SELECT approval_region AS "approved in",
                coalesce(manufacturing_region, 'not stated') AS "made in", current_products AS products
            FROM mart_supply_routes WHERE current_products > 0 ORDER BY ALL
            """,
        )
        demand = _rows(
            con,
            f"""
            SELECT year, coalesce(region, 'no site listed') AS region,
                coalesce(round(sum(patients_per_year)), 0)::INT AS patients
            FROM mart_manufacturing_demand
            WHERE year BETWEEN {FIRST_CHART_YEAR} AND as_of_year GROUP BY ALL ORDER BY ALL
            """,
        )
        demand_as_of = con.sql(
            """
            SELECT max(as_of_year), max(as_of_date),
                coalesce(max(planned_trials), 0)::INT, coalesce(max(planned_patients), 0)::INT
            FROM (
                SELECT year, min(as_of_year) AS as_of_year, min(as_of_date) AS as_of_date,
                    sum(trials_not_yet_recruiting) AS planned_trials,
                    round(sum(not_yet_recruiting_patients_per_year)) AS planned_patients
                FROM mart_manufacturing_demand GROUP BY year
            )
            """
        ).fetchall()[0]
        totals = con.sql(HEADLINE_SQL).fetchall()[0]
        approved, not_approved = con.sql(
            """
            SELECT count(*) FILTER (WHERE product_id IN (SELECT product_id FROM product_first_approvals)),
                count(*) FILTER (WHERE product_id NOT IN (SELECT product_id FROM product_first_approvals))
            FROM products WHERE is_cgt
            """
        ).fetchall()[0]
        disagreements = con.sql(
            "SELECT count(*), count(*) FILTER (WHERE resolution = 'implied_and_corroborated') "
            "FROM mart_source_disagreements"
        ).fetchall()[0]
        duplicates = con.sql(
            "SELECT count(*) FROM trial_clusters WHERE registry_cluster_id <> cluster_id AND "
            "registry_cluster_id = trial_id"
        ).fetchall()[0][0]
        fresh = freshness(con)
        curated_agencies = con.sql(
            "SELECT agency, count(*) FROM regulatory_records WHERE source_kind = 'curated' "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        modality_mix = con.sql(
            "SELECT modality, count(*) FROM mart_trials GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        version = con.sql("SELECT max(rules_version) FROM classifier_rules").fetchall()[0][0]
        whats_new = _whats_new(con)
    finally:
        con.close()

    latest_year = max((row["year"] for row in by_year), default=None)
    ema_first = sum(1 for row in lag if row[6] == 0)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    partial = (
        f"{latest_year}, the latest year drawn (dashed rule), is partial: it counts trials started by "
        "the time the data was fetched. "
        if latest_year
        else ""
    )
    sections = [
        "<h1>Cell and gene therapy activity worldwide</h1>",
        f"<p class='sub'>cgt-atlas report, generated {generated} from <code>{_esc(db_path.name)}</code>, "
        f"classifier rules v{_esc(version)}.</p>",
        "<div class='kpis'>"
        f"<div class='kpi'><b>{totals[0]:,}</b><span>investigational CGT trials (all years)</span></div>"
        f"<div class='kpi'><b>{totals[1]:,}</b><span>CGT trials active now</span></div>"
        f"<div class='kpi'><b>{totals[2]}</b><span>countries with a CGT trial site</span></div>"
        f"<div class='kpi'><b>{approved}</b><span>CGT products approved by an agency"
        f"{f' (+{not_approved} refused or withdrawn)' if not_approved else ''}</span></div></div>"
        + sample_note(fresh, modality_mix),
        _scope(fresh, version, duplicates, no_site, undated, curated_agencies),
        whats_new,
        _figure(
            "world-map",
            "CGT trials by country",
            charts.world_map(by_country, "CGT trials by country (all start years, log scale)"),
            "Trials with at least one site in the country; grey: none. Boundaries: Natural Earth 110m.",
        ),
        _figure(
            "trials-by-region",
            "CGT trials started per year, by region",
            charts.lines_by_year(
                by_year, "region", "CGT trials started per year", latest_year, REGION_COLOURS
            ),
            "A trial with sites in two regions counts in both. "
            + partial
            + "Trials with no start date in any registry cannot be placed on the time axis: they are counted "
            "per region below (<code>start_year</code> NULL in the marts), never dropped.",
        )
        + _table(
            ["region", "drawn", "undated (no start date)", f"before {FIRST_CHART_YEAR}", "after this year"],
            [tuple(0 if value is None else value for value in row) for row in off_chart],
        ),
        _figure(
            "modality-mix",
            "Modality mix over time",
            charts.stacked_share(
                mix, "year", "modality", "Share of CGT trials started each year by modality", MODALITY_COLOURS
            ),
            "Each trial counts once, by its primary modality; undated trials are left out of this chart.",
        ),
        _figure(
            "phase-funnel",
            "Phase funnel",
            charts.hbars(
                sorted(
                    phases,
                    key=lambda row: (
                        PHASE_ORDER.index(row["code"]) if row["code"] in PHASE_ORDER else len(PHASE_ORDER),
                        row["code"] is None,
                        row["phase"],
                    ),
                ),
                "phase",
                "trials",
                "CGT trials by phase",
                "CGT trials",
            ),
            "Each trial counts once, by the phase its registry gives (a combined phase 1/2 trial is its own "
            "row); 'Not applicable': the registry says NA.",
        ),
        _figure(
            "top-countries",
            "Top countries by CGT trials",
            charts.hbars(
                countries, "country", "trials", "Top 15 countries", "CGT trials", "region", REGION_COLOURS
            ),
            "Trials with at least one site in the country, all start years; colour is the region.",
        ),
        _figure(
            "top-sponsors",
            "Top parent sponsors",
            charts.hbars(
                sponsors,
                "sponsor",
                "trials",
                "Top 15 parent sponsors by CGT trials",
                "CGT trials",
                "headquarters",
                {**REGION_COLOURS, "headquarters not known": "#999999"},
            ),
            "Lead sponsors mapped to their parent organisation (Kite to Gilead, Juno and Celgene to "
            "Bristol Myers Squibb; trial_organisations); each trial counts once. Colour: the region of "
            "the organisation's headquarters (docs/organisations.md). Where a sponsor's trials run: "
            "mart_sponsors (per region) and mart_collaboration.",
        ),
        _figure(
            "approvals-timeline",
            "Approvals timeline by agency",
            charts.stacked_years(
                approvals,
                "agency",
                "approvals",
                "CGT approvals per year by agency",
                "approvals",
                scheme=AGENCY_SCHEME,
                partial_year=this_year,
            ),
            "Approvals granted each year (mart_approvals_timeline), whatever their status now; decisions "
            "with no published date are left out. "
            + _disagreements_text(*disagreements)
            + f" {this_year} (paler) is partial: approvals so far.",
        ),
        _figure(
            "regulatory-lag",
            "Regulatory lag: signed days between FDA and EMA or PMDA approval",
            charts.signed_points(
                signed_lag,
                "product",
                "days",
                "pair",
                "Days from FDA approval to EMA or PMDA approval (negative: approved first)",
                AGENCY_SCHEME,
            ),
            f"Positive: the agency approved after FDA; negative: before it. {ema_first} products were "
            "approved by EMA before any other agency; products one agency approved have no lag.",
        )
        + "<details><summary>Every approved product: first approval and lag per agency</summary>"
        + _table(
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
        )
        + "</details>",
        _figure(
            "manufacturing-sites",
            "Manufacturing: where approved products are made",
            charts.hbars(
                site_products,
                "country",
                "products",
                "Approved CGT products with a commercial manufacturing site in the country",
                "products",
                "model",
                MODEL_COLOURS,
                sort_by_total=True,
            ),
            "mart_manufacturing_sites: curated sites, each stated by a public page (a product made in two "
            "countries counts in both); 'made per patient': autologous products, one batch per patient "
            "(product_manufacturing). "
            + (
                f"FDA registrations kept to CGT (at a curated CGT site of the same operator): "
                f"{registered_sites[0]:,}; they are registrations, not capacity. "
                f"Left out: {registered_sites[1]:,} registrations of CGT-active firms' general pharma, "
                "logistics and lab sites."
                if registered_sites[2]
                else "FDA's establishment registrations are not loaded in this warehouse (source "
                "fda_establishments), so only curated sites are shown."
            ),
        ),
        _figure(
            "supply-routes",
            "Manufacturing: supply routes",
            charts.hbars(
                [{**row, "route": f"{row['approved in']} ← {row['made in']}"} for row in routes],
                "route",
                "products",
                "Approved CGT products by where patients get them ← where they are made",
                "products",
                "made in",
                REGION_COLOURS,
            ),
            "mart_supply_routes: only routes a document states, or a site's role implies (an EU batch-"
            "release site supplies the EU), with a current authorisation (withdrawn or expired ones end "
            "their routes); a product made in two regions counts on both. 'not stated': no known site is "
            "stated to supply the region, whether or not the product has sites elsewhere.",
        ),
        _figure(
            "manufacturing-demand",
            "Manufacturing demand (estimate)",
            charts.stacked_years(
                demand,
                "region",
                "patients",
                "Estimated patients treated per year in CGT trials (estimate)",
                "patients per year (estimate)",
                {**REGION_COLOURS, "no site listed": "#999999"},
                partial_year=demand_as_of[0],
                partial_label="partial, projected",
            ),
            "An estimate, not batches made: enrolment spread over each trial's active years and split by its "
            "sites (mart_manufacturing_demand, docs/manufacturing.md); years up to the data's as-of year"
            + (
                f" ({demand_as_of[0]}, paler: partial, registries up to {demand_as_of[1]})"
                if demand_as_of[0]
                else ""
            )
            + ". A trial ends at its completion date; only a recruiting one runs to the as-of year. "
            "Not-yet-recruiting trials are planned demand, not drawn: at their peak year, "
            f"{demand_as_of[2]:,} trial-regions with {demand_as_of[3]:,} planned patients a year.",
        ),
        "<footer>Definitions: docs/data-contract.md and docs/classifier.md. Charts: Vega-Lite rendered to "
        "static SVG.</footer>",
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>cgt-atlas report</title><style>{STYLE}</style></head><body><main>"
        + "".join(sections)
        + "</main></body></html>"
    )
