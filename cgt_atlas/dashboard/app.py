"""The Dash app: filters, a world map of CGT trials by country (click a country for its trials), the trial
table linked to each registry page, approvals with regulatory lag, and manufacturing.

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

import plotly.graph_objects as go
import pycountry
from dash import Dash, Input, Output, dcc, html
from plotly.colors import sample_colorscale

from cgt_atlas.charts import iso_numeric, world_topology
from cgt_atlas.dashboard import queries
from cgt_atlas.errors import AtlasError

COLOURS = "Blues"


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


def world_map(counts: list[dict], sites: list[dict] | None = None) -> go.Figure:
    """One filled outline per country, coloured by trials; customdata carries the ISO code for clicks.
    With `sites`, their markers on top and the view zoomed to them."""
    by_id = {iso_numeric(row["country_code"]): row for row in counts}
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
        colour = sample_colorscale(COLOURS, [0.15 + 0.85 * (trials / top) ** 0.5])[0] if trials else "#eeeeee"
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "#999999", "width": 0.5},
                name=row["country"] if row else name,
                customdata=[row["country_code"] if row else ""] * len(xs),
                hovertemplate=f"{row['country'] if row else name}: {trials} CGT trials<extra></extra>",
                hoveron="fills",
                showlegend=False,
            )
        )
    x_range, y_range = [-180, 180], [-58, 85]
    if sites:
        lons, lats = [site["longitude"] for site in sites], [site["latitude"] for site in sites]
        figure.add_trace(
            go.Scatter(
                x=lons,
                y=lats,
                mode="markers",
                marker={"size": 6, "color": "#d62728", "opacity": 0.7},
                text=[
                    f"{site['facility'] or ''}, {site['city'] or ''} ({site['trial_id']})" for site in sites
                ],
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
    point = ((click or {}).get("points") or [{}])[0]
    if isinstance(point.get("customdata"), str):
        return point["customdata"] or None
    numbers = list(country_shapes())
    curve = point.get("curveNumber")
    if isinstance(curve, int) and curve < len(numbers):
        country = pycountry.countries.get(numeric=numbers[curve])
        return country.alpha_2 if country else None
    return None


def _table(rows: list[dict], links: dict[str, str] | None = None) -> html.Table:
    """A plain HTML table; `links` maps a column to the column holding its URL."""
    if not rows:
        return html.Table([html.Tr(html.Td("no rows"))], className="data")
    hidden = set((links or {}).values())
    columns = [c for c in rows[0] if c not in hidden]
    body = []
    for row in rows:
        cells = []
        for column in columns:
            value = "" if row[column] is None else str(row[column])
            url = row.get((links or {}).get(column, ""))
            cells.append(html.Td(html.A(value, href=url, target="_blank") if url else value))
        body.append(html.Tr(cells))
    return html.Table(
        [html.Thead(html.Tr([html.Th(c) for c in columns])), html.Tbody(body)], className="data"
    )


def _dropdown(name: str, label: str, choices: list[str]) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=name),
            dcc.Dropdown(id=name, options=choices, multi=True, placeholder="all"),
        ],
        className="filter",
    )


def build_app(db: Path) -> Dash:
    """The app on `db`; raises WarehouseMissing/WarehouseEmpty at once rather than on the first click."""
    choices = queries.options(db)
    lo, hi = choices["years"]
    app = Dash(
        __name__, title="CGT atlas", serve_locally=True, assets_folder=str(Path(__file__).parent / "assets")
    )
    app.layout = html.Div(
        [
            html.H1("CGT atlas: cell and gene therapy trials, approvals and manufacturing"),
            html.Div(
                [
                    _dropdown("region", "Region", choices["regions"]),
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
                        ],
                        className="filter years",
                    ),
                ],
                id="filters",
            ),
            html.H2("Started CGT trials by country (click a country for its trials)"),
            html.Button("All countries", id="all-countries"),
            dcc.Graph(id="map", config={"displaylogo": False, "displayModeBar": False}),
            html.H2(id="trials-heading"),
            html.Div(id="trials"),
            html.H2("Approvals and regulatory lag (days after the first approval anywhere)"),
            _table(queries.regulatory_lag(db)),
            html.H2("Supply routes: where approved products are made"),
            _table(queries.supply_routes(db)),
            html.H2("Commercial manufacturing sites by country"),
            _table(queries.manufacturing_sites(db)),
        ]
    )

    @app.callback(Output("map", "clickData"), Input("all-countries", "n_clicks"), prevent_initial_call=True)
    def show_all(_clicks: Any) -> None:
        """Clicking the sea sends nothing, so a button leaves the country drill-down."""
        return None

    @app.callback(
        Output("map", "figure"),
        Output("trials-heading", "children"),
        Output("trials", "children"),
        Input("region", "value"),
        Input("modality", "value"),
        Input("sponsor-class", "value"),
        Input("phase", "value"),
        Input("years", "value"),
        Input("map", "clickData"),
    )
    def update(regions: Any, modalities: Any, classes: Any, phases: Any, years: Any, click: Any) -> tuple:
        filters = queries.Filters(
            regions=regions or [],
            modalities=modalities or [],
            sponsor_classes=classes or [],
            phases=phases or [],
            years=(int(years[0]), int(years[1])) if years else None,
        )
        country = clicked_country(click)
        rows = queries.trials(db, filters, country)
        for row in rows:
            row["url"] = queries.registry_url(row["trial_id"], row.pop("source_url"))
        counts = queries.country_counts(db, filters)
        names = {row["country_code"]: row["country"] for row in counts}
        where = f" in {names.get(country, country)}" if country else ""
        matching = rows[0].pop("matching") if rows else 0
        for row in rows[1:]:
            row.pop("matching")
        shown = f" (the newest {len(rows)} shown)" if len(rows) < matching else ""
        heading = f"Trials{where}: {matching}{shown}"
        sites = queries.sites(db, filters, country) if country else None
        return world_map(counts, sites), heading, _table(rows, {"trial_id": "url"})

    return app


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
    on_ready()
    # no version check: it would ask dash-version.plotly.com for the latest release
    app.run(host=host, port=port, debug=False, dev_tools_disable_version_check=True)
