"""The Dash app: filters, a world map of CGT trials by country (click a country, or pick it, for its trials
and sites), the trial table linked to each registry page, approvals by agency and year, regulatory lag, and
manufacturing; every table sorted, paged and (where useful) filtered in the browser.

Offline by construction: Dash serves its JavaScript from the installed package (serve_locally), and the map
is not a plotly geo subplot (those fetch topojson from cdn.plot.ly) but filled country outlines on plain
longitude/latitude axes, decoded from the vendored Natural Earth file (cgt_atlas/geo).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import plotly.graph_objects as go
import pycountry
from dash import Dash, Input, Output, ctx, dash_table, dcc, html, no_update
from plotly.colors import sample_colorscale

from cgt_atlas.charts import iso_numeric, world_topology
from cgt_atlas.dashboard import inputs, queries
from cgt_atlas.errors import AtlasError

COLOURS = "Blues"
NO_MATCH = "No trials match these filters: widen the year range or clear a filter."


class PortBusy(AtlasError):
    hint = "choose another port: cgt-atlas dashboard --port N (or stop what listens there)."


@cache
def country_shapes() -> dict[str, tuple[str, list[list[tuple[float, float]]]]]:
    """ISO numeric id -> (name, rings of (lon, lat)), decoded from the vendored TopoJSON (quantized arcs)."""
    topo = world_topology()
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for i in indices:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    shapes = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry.get("type"), []
        )
        rings = [_unwrap(ring(r)) for polygon in polygons for r in polygon]
        if geometry.get("id") is not None and rings:
            shapes[str(geometry["id"])] = (geometry.get("properties", {}).get("name", ""), rings)
    return shapes


def _unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring crossing the antimeridian (Russia, Fiji) continues past 180 degrees east instead of
    drawing a band across the whole map; the axis range clips what lies beyond."""
    if any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
        return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
    return points


def _site_text(site: dict) -> str:
    """A site point's hover: its city, how many trials and sites, the first facilities by name."""
    names = ", ".join(name for name in site["facilities"] or [] if name)
    more = "…" if site["sites"] > len(site["facilities"] or []) else ""
    trials = f"{site['trials']} trial" + ("s" if site["trials"] != 1 else "")
    return f"{site['city'] or 'site'}: {trials} at {site['sites']} site(s)<br>{names}{more}"


def _shade(share: float) -> str:
    """The fill of a country holding `share` (0 to 1, on a square-root scale) of the top country's trials."""
    return sample_colorscale(COLOURS, [0.15 + 0.85 * share])[0]


def _legend_ticks(top: int) -> list[int]:
    """Round trial counts up to `top` for the map's colour bar (none so near `top` that the labels touch)."""
    ticks = [n for n in (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000) if n <= 0.7 * top]
    return [*ticks[-4:], top] if top > 1 else [1]


def colour_legend(top: int) -> go.Scatter:
    """The map's colour bar: an empty trace carrying the countries' colour scale (square root of trials),
    ticks labelled in trials. Drawn after the countries, so each country keeps its curve number."""
    ticks = _legend_ticks(top)
    return go.Scatter(
        x=[None, None],
        y=[None, None],
        mode="markers",
        marker={
            "color": [0, 1],
            "cmin": 0,
            "cmax": 1,
            "colorscale": [[i / 10, _shade(i / 10)] for i in range(11)],
            "showscale": True,
            "colorbar": {
                "title": {"text": "CGT trials"},
                "tickvals": [(tick / top) ** 0.5 for tick in ticks],
                "ticktext": [f"{tick:,}" for tick in ticks],
                "len": 0.6,
                "thickness": 12,
                "x": 0.01,
                "xanchor": "left",
                "y": 0.05,
                "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        },
        hoverinfo="skip",
        showlegend=False,
    )


def world_map(counts: list[dict], sites: list[dict] | None = None, selected: str | None = None) -> go.Figure:
    """One filled outline per country, coloured by trials; customdata carries the ISO code for clicks.
    The `selected` country is outlined; with `sites`, their markers on top and the view zoomed to them. A
    colour bar says what the shades mean; when no trial matches, the map says so."""
    by_id = {iso_numeric(row["country_code"]): row for row in counts}
    selected_id = iso_numeric(selected) if selected else None
    top = max((row["trials"] for row in counts), default=1) or 1
    figure = go.Figure()
    for numeric, (name, rings) in country_shapes().items():
        row = by_id.get(numeric)
        trials = row["trials"] if row else 0
        xs: list[float | None] = []
        ys: list[float | None] = []
        for points in rings:
            xs.extend([p[0] for p in points] + [None])
            ys.extend([p[1] for p in points] + [None])
        colour = _shade((trials / top) ** 0.5) if trials else "#eeeeee"
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "#222222", "width": 1.5}
                if numeric == selected_id
                else {"color": "#999999", "width": 0.5},
                name=row["country"] if row else name,
                customdata=[row["country_code"] if row else ""] * len(xs),
                hovertemplate=f"{row['country'] if row else name}: {trials} CGT trials<extra></extra>",
                hoveron="fills",
                showlegend=False,
            )
        )
    if counts:
        figure.add_trace(colour_legend(top))
    else:
        figure.add_annotation(
            text=NO_MATCH,
            x=0,
            y=10,
            showarrow=False,
            font={"size": 16, "color": "#333333"},
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor="#999999",
            borderpad=8,
        )
    x_range, y_range = [-180, 180], [-58, 85]
    if sites:
        lons, lats = [site["longitude"] for site in sites], [site["latitude"] for site in sites]
        figure.add_trace(
            go.Scatter(
                x=lons,
                y=lats,
                mode="markers",
                marker={
                    "size": [min(6 + 2 * site["trials"] ** 0.5, 30) for site in sites],
                    "color": "#d62728",
                    "opacity": 0.6,
                    "line": {"width": 0.5, "color": "white"},
                },
                text=[_site_text(site) for site in sites],
                hovertemplate="%{text}<extra></extra>",
                customdata=[site["country_code"] for site in sites],  # a click on a site keeps the country
                showlegend=False,
            )
        )
        pad = 3
        x_range = [min(lons) - pad, max(lons) + pad]
        y_range = [min(lats) - pad, max(lats) + pad]
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=420,
        plot_bgcolor="white",
        xaxis={"visible": False, "range": x_range, "fixedrange": True},
        yaxis={"visible": False, "range": y_range, "scaleanchor": "x", "fixedrange": True},
    )
    return figure


def clicked_country(click: dict | None) -> str | None:
    """The ISO alpha-2 code of the clicked country: a fill click may carry no customdata, only its curve."""
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}
    if isinstance(point.get("customdata"), str):
        return point["customdata"] or None
    numbers = list(country_shapes())
    curve = point.get("curveNumber")
    if isinstance(curve, int) and curve < len(numbers):
        country = pycountry.countries.get(numeric=numbers[curve])
        return country.alpha_2 if country else None
    return None


LABELS = {
    "trial_id": "Trial",
    "start_year": "Start",
    "lead_sponsor": "Lead organisation",
    "first_agency": "First approved by",
    "first_date": "First approval",
    "days_after_first": "Days after first",
    "fda_approval_date": "FDA",
    "ema_approval_date": "EMA",
    "pmda_approval_date": "PMDA",
    "fda_lag_days": "FDA lag (days)",
    "ema_lag_days": "EMA lag (days)",
    "pmda_lag_days": "PMDA lag (days)",
    "is_cross_region": "Made in another region",
    "per_patient_products": "Per-patient products",
    "sites_cell_processing": "Cell processing sites",
    "sites_vector_manufacture": "Vector sites",
    "registered_cgt_sites": "FDA registrations at CGT sites (not capacity)",
    "registered_left_out": "CGT-active firms' other registrations (left out)",
    "source_url": "Source",
}
"""Column headings where the column name alone reads badly; others become sentence case."""

TRIAL_COLUMNS = [
    "trial_id",
    "title",
    "start_year",
    "phase",
    "modality",
    "lead_sponsor",
    "registry",
    "countries",
]
WIDE_COLUMNS = ("title", "product", "product_names")
"""Columns of long text, given room so they wrap into fewer lines."""
CLAMPED_COLUMNS = ("product_names",)
"""Lists that can run to twenty names: three lines shown, the whole list on hover."""
LINK_TEXT = "page"
"""The text of a link column whose own value is its URL (an approval's source)."""


def _label(column: str) -> str:
    return LABELS.get(column) or column.replace("_", " ").capitalize()


def _cell(value: Any) -> Any:
    """What a DataTable can show: it renders no booleans, and sends dates as text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _records(rows: list[dict], links: dict[str, str] | None = None) -> list[dict]:
    """Rows as DataTable records; `links` maps a column to the column holding its URL, which becomes a
    markdown link (a column linked to itself shows LINK_TEXT)."""
    links = links or {}
    records = []
    for row in rows:
        record = {column: _cell(value) for column, value in row.items()}
        for column, url_column in links.items():
            url = row.get(url_column)
            text = LINK_TEXT if column == url_column else record.get(column)
            record[column] = f"[{text}]({url})" if url and text is not None else record.get(column)
        records.append(record)
    return records


def _why(trial: dict) -> dict:
    """A trial's modality cell on hover: the rule that gave it and the words it fired on, and its cell source
    with the basis (the same as `cgt-atlas explain`)."""
    if not trial.get("modality_rule"):
        return {}
    text = f"rule {trial['modality_rule']}"
    if trial.get("modality_evidence"):
        text += f", on {trial['modality_evidence']}"
    if trial.get("cell_source"):
        text += f"; cell source {trial['cell_source']}"
        if trial.get("cell_source_basis"):
            text += f" ({trial['cell_source_basis']})"
    return {"modality": {"value": text, "type": "text"}}


def _data_table(
    name: str,
    columns: list[str],
    rows: list[dict] | None = None,
    links: dict[str, str] | None = None,
    page_size: int = 15,
    filterable: bool = False,
    numeric: tuple[str, ...] = (),
) -> dash_table.DataTable:
    """A table sorted and paged in the browser (only one page is drawn), filterable when `filterable`;
    link columns render as markdown links that open a new tab. Columns holding numbers sort and filter as
    numbers: those named in `numeric` (for a table whose rows come later) and those `rows` show to be."""
    numeric = set(numeric) | {
        c
        for c in columns
        for row in (rows or [])[:50]
        if isinstance(row.get(c), int | float) and not isinstance(row.get(c), bool)
    }
    return dash_table.DataTable(
        id=name,
        columns=[
            {"name": _label(c), "id": c}
            | ({"presentation": "markdown"} if c in (links or {}) else {})
            | ({"type": "numeric"} if c in numeric else {})
            for c in columns
        ],
        data=_records(rows or [], links),
        sort_action="native",
        sort_mode="multi",
        filter_action="native" if filterable else "none",
        filter_options={"case": "insensitive", "placeholder_text": "filter…"},
        page_action="native",
        page_size=page_size,
        markdown_options={"link_target": "_blank"},
        style_as_list_view=True,
        style_table={"overflowX": "auto"},
        style_cell={
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
            "padding": "4px 8px",
            "fontFamily": "system-ui, sans-serif",
            "fontSize": "0.85rem",
            "maxWidth": "32rem",
        },
        style_cell_conditional=[{"if": {"column_id": c}, "minWidth": "24rem"} for c in WIDE_COLUMNS]
        + [{"if": {"column_id": "lead_sponsor"}, "minWidth": "12rem"}]
        + [{"if": {"column_id": c}, "whiteSpace": "nowrap"} for c in columns if "date" in c],
        tooltip_data=[
            {c: {"value": str(row[c]), "type": "text"} for c in CLAMPED_COLUMNS if row.get(c)}
            for row in rows or []
        ],
        tooltip_duration=None,
        style_header={"fontWeight": "600", "backgroundColor": "#eef2f7", "borderBottom": "2px solid #b8c4d6"},
        style_filter={"backgroundColor": "#fafbfd"},
        style_data_conditional=[{"if": {"row_index": "odd"}, "backgroundColor": "#f8f9fb"}],
        css=[
            {"selector": ".dash-cell-value p", "rule": "margin: 0;"},
            {"selector": ".dash-filter input", "rule": "text-align: left !important;"},
            *(
                {
                    "selector": f'td[data-dash-column="{c}"] .dash-cell-value',
                    "rule": "display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; "
                    "overflow: hidden;",
                }
                for c in CLAMPED_COLUMNS
            ),
        ],
    )


def approvals_chart(rows: list[dict]) -> go.Figure:
    """Approvals per year, stacked by agency: one bar trace per agency, from plotly."""
    figure = go.Figure()
    for agency in sorted({row["agency"] for row in rows}):
        own = [row for row in rows if row["agency"] == agency and row["decision_year"] is not None]
        figure.add_trace(
            go.Bar(
                x=[row["decision_year"] for row in own],
                y=[row["approvals"] for row in own],
                name=agency,
                hovertemplate=f"{agency} %{{x}}: %{{y}} approvals<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        plot_bgcolor="white",
        legend={"title": {"text": "Agency"}},
        xaxis={"dtick": 1, "tickangle": -45},
        yaxis={"title": {"text": "CGT approvals"}, "gridcolor": "#eeeeee"},
    )
    return figure


def _dropdown(name: str, label: str, choices: list, multi: bool = True, placeholder: str = "all") -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=name),
            dcc.Dropdown(id=name, options=choices, multi=multi, placeholder=placeholder),
        ],
        className="filter",
    )


def _mart_table(name: str, rows: list[dict], **options: Any) -> dash_table.DataTable | html.P:
    """A mart's rows as a DataTable, or a line saying there are none (a warehouse without approvals)."""
    if not rows:
        return html.P("none in this warehouse", id=name, className="note")
    return _data_table(name, list(rows[0]), rows, **options)


def build_app(db: Path) -> Dash:
    """The app on `db`; raises WarehouseMissing/WarehouseEmpty at once rather than on the first click."""
    choices = queries.options(db)
    lo, hi = choices["years"]
    undated = choices["undated"]
    by_agency = queries.approvals_by_year(db)
    undated_approvals = sum(row["approvals"] for row in by_agency if row["decision_year"] is None)
    approvals = queries.approvals(db)
    lag = queries.regulatory_lag(db)
    routes = queries.supply_routes(db)
    sites = queries.manufacturing_sites(db)
    app = Dash(
        __name__, title="CGT atlas", serve_locally=True, assets_folder=str(Path(__file__).parent / "assets")
    )
    app.layout = html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Location(id="url-state", refresh=False),
            html.H1("CGT atlas: cell and gene therapy trials, approvals and manufacturing"),
            html.Div(
                [
                    _dropdown("region", "Region", choices["regions"]),
                    _dropdown(
                        "country",
                        "Country",
                        choices["countries"],
                        multi=False,
                        placeholder="all (or click the map)",
                    ),
                    _dropdown("modality", "Modality", choices["modalities"]),
                    _dropdown("sponsor-class", "Lead sponsor type", choices["sponsor_classes"]),
                    _dropdown("phase", "Phase", choices["phases"]),
                    html.Div(
                        [
                            html.Label("Start year", htmlFor="years"),
                            dcc.RangeSlider(
                                id="years",
                                min=lo,
                                max=hi,
                                step=1,
                                value=[lo, hi],
                                marks={y: str(y) for y in range(lo, hi + 1, max(1, (hi - lo) // 6))},
                                tooltip={"placement": "bottom"},
                            ),
                            dcc.Checklist(
                                id="undated",
                                options=[{"label": " include trials with no start year", "value": "include"}],
                                value=["include"],
                            ),
                            html.Div(
                                f"{undated:,} trials give no start year in their registry record: "
                                "no year range holds them.",
                                id="undated-note",
                                className="note",
                            ),
                        ],
                        className="filter years",
                    ),
                ],
                id="filters",
            ),
            html.H2(
                "Started CGT trials by country (click a country, or pick it above, for its trials and sites)"
            ),
            html.Div(id="link-notice", className="notice", role="status"),
            html.Div(id="input-notice", className="notice", role="status"),
            html.Button("All countries", id="all-countries"),
            dcc.Graph(id="map", config={"displaylogo": False, "displayModeBar": False}),
            html.H2(id="trials-heading"),
            html.P(
                "Click a column heading to sort (shift-click for a second key); type in the row below the "
                "headings to filter (text matches anywhere, numbers exactly, or write > 2020).",
                className="note",
            ),
            _data_table(
                "trials",
                TRIAL_COLUMNS,
                links={"trial_id": "url"},
                page_size=15,
                filterable=True,
                numeric=("start_year",),
            ),
            html.H2("Approvals by agency and year (the filters above apply to trials only)"),
            dcc.Graph(
                id="approvals-chart",
                figure=approvals_chart(by_agency),
                config={"displaylogo": False, "displayModeBar": False},
            ),
            html.P(
                f"{undated_approvals} approvals with no published year are left out of the chart.",
                className="note",
            )
            if undated_approvals
            else None,
            html.H3(f"Approvals: {len(approvals)} (product x agency), with the page each was taken from"),
            _mart_table("approvals", approvals, links={"source_url": "source_url"}, filterable=True),
            html.H2("Regulatory lag: days after the first approval anywhere"),
            _mart_table("lag", lag, filterable=True),
            html.H2("Supply routes: where approved products are made"),
            _mart_table("supply-routes", routes),
            html.H2("Commercial manufacturing sites by country"),
            _mart_table("manufacturing-sites", sites),
        ]
    )

    allowed = inputs.Choices.from_options(choices)

    @app.callback(
        Output("country", "value"),
        Output("link-notice", "children"),
        Input("map", "clickData"),
        Input("all-countries", "n_clicks"),
        Input("url", "search"),
    )
    def select_country(click: Any, _clicks: Any, search: Any) -> Any:
        """The country dropdown is the one selected country: a map click sets it, the button clears it
        (clicking the sea sends nothing), and a link with ?country=DE opens on it."""
        if ctx.triggered_id == "all-countries":
            return None, ""
        if ctx.triggered_id in (None, "url"):
            code, notice = inputs.country_from_link(search, allowed.countries)
            return code or no_update, notice
        return inputs.country_code(clicked_country(click), allowed.countries) or no_update, no_update

    @app.callback(
        Output("region", "value"),
        Output("modality", "value"),
        Output("sponsor-class", "value"),
        Output("phase", "value"),
        Output("years", "value"),
        Output("undated", "value"),
        Input("url", "search"),
    )
    def restore_filters(search: Any) -> tuple:
        """A link opens with the filters it carries (what remember_filters wrote): ?region=Europe&phase=PHASE2
        &years=2015-2020&undated=0; a filter it does not name stays as it is."""
        return filters_from_query(search, choices)

    @app.callback(
        Output("url-state", "search"),
        *_filter_inputs(),
        prevent_initial_call=True,
    )
    def remember_filters(
        regions: Any, modalities: Any, classes: Any, phases: Any, years: Any, undated: Any, country: Any
    ) -> str:
        """Every filter in the address bar, so a view can be bookmarked or shared. Written through a second
        Location that nothing reads, so writing the address triggers no callback. Only checked values are
        written (a bad one is reset to its default, as the view does)."""
        filters, code, _notice = inputs.checked_filters(
            allowed, regions, modalities, classes, phases, years, undated, country
        )
        return query_from_filters(
            filters.regions,
            filters.modalities,
            filters.sponsor_classes,
            filters.phases,
            list(filters.years) if filters.years else None,
            [inputs.INCLUDE_UNDATED] if filters.include_undated else [],
            code,
            (lo, hi),
        )

    @app.callback(
        Output("map", "figure"),
        Output("trials-heading", "children"),
        Output("trials", "data"),
        Output("trials", "tooltip_data"),
        Output("trials", "page_current"),
        Output("input-notice", "children"),
        *_filter_inputs(),
    )
    def update(
        regions: Any, modalities: Any, classes: Any, phases: Any, years: Any, undated: Any, country: Any
    ) -> tuple:
        filters, country, notice = inputs.checked_filters(
            allowed, regions, modalities, classes, phases, years, undated, country
        )
        rows = queries.trials(db, filters, country)
        for row in rows:
            row["url"] = queries.registry_url(row["trial_id"], row.pop("source_url"))
        counts = queries.country_counts(db, filters)
        names = {row["country_code"]: row["country"] for row in counts}
        where = f" in {names.get(country, country)}" if country else ""
        matching = rows[0]["matching"] if rows else 0
        shown = f" (the newest {len(rows):,} listed)" if len(rows) < matching else ""
        heading = f"Trials{where}: {matching:,}{shown}" if matching else f"Trials{where}: 0. {NO_MATCH}"
        sites = queries.sites(db, filters, country) if country else None
        records = [{c: r[c] for c in TRIAL_COLUMNS} for r in _records(rows, {"trial_id": "url"})]
        return world_map(counts, sites, country), heading, records, [_why(row) for row in rows], 0, notice

    return app


FILTER_IDS = ("region", "modality", "sponsor-class", "phase", "years", "undated", "country")
"""The components whose values filter the view, in the order the callbacks take them."""


def _filter_inputs() -> list[Input]:
    return [Input(component, "value") for component in FILTER_IDS]


FILTER_KEYS = ("region", "modality", "sponsor_class", "phase")
"""The multi-choice filters as they are named in the address (repeated for several values)."""


def query_from_filters(
    regions: Any,
    modalities: Any,
    classes: Any,
    phases: Any,
    years: Any,
    undated: Any,
    country: Any,
    span: tuple[int, int],
) -> str:
    """The filters as a query string: only those that narrow the view (the full year range and "include
    undated", the defaults, are left out)."""
    pairs: list[tuple[str, str]] = []
    for key, values in zip(FILTER_KEYS, (regions, modalities, classes, phases), strict=True):
        pairs.extend((key, str(value)) for value in values or [])
    if years and tuple(int(y) for y in years) != tuple(span):
        pairs.append(("years", f"{int(years[0])}-{int(years[1])}"))
    if "include" not in (undated or []):
        pairs.append(("undated", "0"))
    if country:
        pairs.append(("country", str(country)))
    return "?" + urlencode(pairs) if pairs else ""


def filters_from_query(search: Any, choices: dict[str, list]) -> tuple:
    """(regions, modalities, sponsor classes, phases, years, undated) from a query string; no_update for each
    filter the query does not name, and values the warehouse does not hold are dropped."""
    query = parse_qs(search.lstrip("?") if isinstance(search, str) else "")

    def allowed(key: str, options: list) -> Any:
        known = {option["value"] if isinstance(option, dict) else option for option in options}
        if key not in query:
            return no_update
        return [value for value in query[key] if value in known]

    lo, hi = choices["years"]
    years: Any = no_update
    if "years" in query:
        try:
            first, last = (int(part) for part in query["years"][0].split("-", 1))
            years = [max(lo, min(first, last)), min(hi, max(first, last))]
        except ValueError:
            years = no_update
    undated: Any = no_update
    if "undated" in query:
        undated = [] if query["undated"][0] in ("0", "no", "false") else ["include"]
    return (
        allowed("region", choices["regions"]),
        allowed("modality", choices["modalities"]),
        allowed("sponsor_class", choices["sponsor_classes"]),
        allowed("phase", choices["phases"]),
        years,
        undated,
    )


def check_port(host: str, port: int) -> None:
    """Fail with a clear error before Dash starts, rather than a traceback from the server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortBusy(f"port {port} on {host} is busy ({error.strerror})") from None


def run(db: Path, host: str, port: int, on_ready: Callable[[], None] = lambda: None) -> None:
    """Check the port and the warehouse first, so either failure is an error: line, not a traceback."""
    check_port(host, port)
    app = build_app(db)
    _quiet_server(app)
    on_ready()
    # no version check: it would ask dash-version.plotly.com for the latest release
    app.run(host=host, port=port, debug=False, dev_tools_disable_version_check=True)


def _quiet_server(app: Dash) -> None:
    """One line says where the dashboard is (on_ready); Flask's banner, its development-server warning (this
    serves one person on 127.0.0.1, read-only) and a log line per request would bury it. Errors still show."""
    import logging

    import flask.cli

    flask.cli.show_server_banner = lambda *args, **kwargs: None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.logger.setLevel(logging.WARNING)
