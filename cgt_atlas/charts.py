"""Report charts: Vega-Lite specs built with altair, rendered to static inline SVG by vl-convert.

Static SVG (no JavaScript, nothing fetched) keeps the report one small file that opens offline and prints.
Every chart's data is passed inline; the world map's geometry is vendored (cgt_atlas/geo, Natural Earth 110m
via world-atlas, see its LICENSE), so rendering never touches the network.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import altair as alt
import pycountry
import vl_convert

GEO_DIR = Path(__file__).parent / "geo"
WIDTH = 820
PARTIAL_OPACITY = 0.45
"""Bars of a partial (or projected) year are drawn paler, and labelled."""


@cache
def world_topology() -> dict:
    """Natural Earth 110m countries as TopoJSON, ids are ISO 3166 numeric codes ("840")."""
    return json.loads((GEO_DIR / "countries-110m.json").read_text())


def iso_numeric(alpha_2: str) -> str | None:
    """The ISO numeric code the map's geometry is keyed by (None for codes with none, e.g. XK)."""
    country = pycountry.countries.get(alpha_2=alpha_2)
    return country.numeric if country else None


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an inline <svg> element (the XML prolog dropped)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return svg[svg.index("<svg") :]


def _data(rows: list[dict]) -> alt.Data:
    return alt.Data(values=rows)


def world_map(counts: dict[str, float], title: str) -> alt.Chart:
    """Choropleth: trials per country (ISO2 keys), grey where none."""
    values = [{"id": iso_numeric(code), "country": code, "trials": n} for code, n in counts.items() if n > 0]
    values = [row for row in values if row["id"]]
    geo = alt.Data(values=world_topology(), format=alt.DataFormat(type="topojson", feature="countries"))
    base = alt.Chart(geo).mark_geoshape(fill="#eeeeee", stroke="white", strokeWidth=0.4)
    filled = (
        alt.Chart(geo)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(lookup="id", from_=alt.LookupData(_data(values), "id", ["trials", "country"]))
        .transform_filter("isValid(datum.trials)")
        .encode(
            color=alt.Color(
                "trials:Q",
                scale=alt.Scale(type="log", scheme="blues"),
                legend=alt.Legend(
                    title="CGT trials (log scale)",
                    orient="bottom",
                    direction="horizontal",
                    gradientLength=260,
                ),
            ),
            tooltip=["country:N", "trials:Q"],
        )
    )
    return alt.layer(base, filled).project(type="equalEarth").properties(width=WIDTH, height=420, title=title)


def every_year(rows: list[dict], field: str = "year") -> list[int]:
    """Every year from the first to the last in `rows`: a year with nothing stays on the axis, not skipped."""
    years = [row[field] for row in rows if row[field] is not None]
    return list(range(min(years), max(years) + 1)) if years else []


def fill_years(rows: list[dict], series: str, value: str, field: str = "year") -> list[dict]:
    """`rows` with a 0 for every year and series value it lacks, so a line drops to 0 instead of joining
    across a year with no trials."""
    present = {(row[field], row[series]) for row in rows}
    names = list(dict.fromkeys(row[series] for row in rows))
    missing = [
        {field: year, series: name, value: 0}
        for year in every_year(rows, field)
        for name in names
        if (year, name) not in present
    ]
    return sorted(rows + missing, key=lambda row: (row[field], names.index(row[series])))


def _year_x(rows: list[dict], title: str | None, field: str = "year") -> alt.X:
    """An ordinal year axis holding every year of the range (none skipped)."""
    return alt.X(f"{field}:O", title=title, scale=alt.Scale(domain=every_year(rows, field)))


def _colour(
    field: str,
    rows: list[dict],
    colours: dict[str, str] | None = None,
    scheme: str | None = None,
    **legend: object,
) -> alt.Color:
    """A nominal colour encoding: the report's palette (grey for values it lacks), only values present; or a
    named Vega scheme, for series that must not borrow the region colours."""
    present = list(dict.fromkeys(row[field] for row in rows))
    scale = alt.Undefined
    if colours:
        domain = [key for key in colours if key in present] + sorted(set(present) - set(colours))
        scale = alt.Scale(domain=domain, range=[colours.get(key, "#9a9a9a") for key in domain])
    elif scheme:
        scale = alt.Scale(scheme=scheme)
    return alt.Color(
        f"{field}:N", title=None, scale=scale, legend=alt.Legend(**legend) if legend else alt.Undefined
    )


def lines_by_year(
    rows: list[dict],
    colour_field: str,
    title: str,
    partial_year: int | None,
    colours: dict[str, str] | None = None,
) -> alt.LayerChart:
    """Lines over start years, one per colour_field value; a dashed rule marks the partial latest year."""
    rows = fill_years(rows, colour_field, "trials")
    lines = (
        alt.Chart(_data(rows))
        .mark_line(point=True)
        .encode(
            x=_year_x(rows, "start year"),
            y=alt.Y("trials:Q", title="CGT trials started"),
            color=_colour(colour_field, rows, colours),
            tooltip=["year:O", f"{colour_field}:N", "trials:Q"],
        )
    )
    layers: list[alt.Chart] = [lines]
    if partial_year is not None:
        mark = alt.Chart(_data([{"year": partial_year, "label": f"{partial_year} partial"}]))
        layers.append(mark.mark_rule(strokeDash=[4, 3], color="#888").encode(x="year:O"))
        layers.append(
            mark.mark_text(align="right", baseline="top", dx=-4, y=4, color="#555").encode(
                x="year:O", text="label:N"
            )
        )
    return alt.layer(*layers).properties(width=WIDTH - 200, height=300, title=title)


def stacked_share(
    rows: list[dict], x: str, colour: str, title: str, colours: dict[str, str] | None = None
) -> alt.Chart:
    """Stacked bars normalised to 100 %: the mix of colour within each x."""
    return (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=_year_x(rows, "start year", x),
            y=alt.Y("trials:Q", stack="normalize", title="share of CGT trials", axis=alt.Axis(format="%")),
            color=_colour(colour, rows, colours, orient="bottom", columns=3, labelLimit=260),
            tooltip=[f"{x}:O", f"{colour}:N", "trials:Q"],
        )
        .properties(width=WIDTH, height=300, title=title)
    )


def hbars(
    rows: list[dict],
    label: str,
    value: str,
    title: str,
    value_title: str,
    colour: str | None = None,
    colours: dict[str, str] | None = None,
    sort_by_total: bool = False,
) -> alt.Chart:
    """Horizontal bars, in the order given (or by their stacked total, largest first)."""
    sort = "-x" if sort_by_total else list(dict.fromkeys(row[label] for row in rows))
    encoding: dict[str, object] = {
        "y": alt.Y(f"{label}:N", sort=sort, title=None, axis=alt.Axis(labelLimit=300)),
        "x": alt.X(f"sum({value}):Q", title=value_title),
        "tooltip": [f"{label}:N", f"{value}:Q"],
    }
    if colour:
        encoding["color"] = _colour(colour, rows, colours, orient="bottom")
        encoding["tooltip"] = [f"{label}:N", f"{colour}:N", f"{value}:Q"]
    labels = len({row[label] for row in rows})
    return (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(**encoding)
        .properties(width=WIDTH - 320, height=max(60, 20 * labels), title=title)
    )


def stacked_years(
    rows: list[dict],
    colour: str,
    value: str,
    title: str,
    value_title: str,
    colours: dict[str, str] | None = None,
    scheme: str | None = None,
    partial_year: int | None = None,
    partial_label: str = "partial",
) -> alt.Chart | alt.LayerChart:
    """Stacked bars by year (counts, not shares); every year of the range on the axis. The `partial_year`'s
    bars are paler and labelled (`partial_label`: "partial", "partial, projected")."""
    x = _year_x(rows, None)
    bars = (
        alt.Chart(_data(rows))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(f"sum({value}):Q", title=value_title),
            color=_colour(colour, rows, colours, scheme),
            opacity=alt.condition(
                f"datum.year == {partial_year if partial_year is not None else 'null'}",
                alt.value(PARTIAL_OPACITY),
                alt.value(1.0),
            ),
            tooltip=["year:O", f"{colour}:N", f"{value}:Q"],
        )
    )
    if partial_year is None or partial_year not in {row["year"] for row in rows}:
        return bars.properties(width=WIDTH - 200, height=260, title=title)
    total = sum(row[value] or 0 for row in rows if row["year"] == partial_year)
    label = (
        alt.Chart(_data([{"year": partial_year, "total": total, "label": f"{partial_year} {partial_label}"}]))
        .mark_text(align="right", baseline="bottom", dx=6, dy=-4, color="#555")
        .encode(x=x, y="total:Q", text="label:N")
    )
    return alt.layer(bars, label).properties(width=WIDTH - 200, height=260, title=title)


def signed_points(
    rows: list[dict], label: str, value: str, colour: str, title: str, scheme: str | None = None
) -> alt.LayerChart:
    """Signed values per label as points around a zero rule: who came first, and by how much."""
    order = sorted({row[label] for row in rows})
    points = (
        alt.Chart(_data(rows))
        .mark_point(filled=True, size=60)
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X(f"{value}:Q", title="days (negative: approved before FDA)"),
            color=_colour(colour, rows, None, scheme, orient="bottom"),
            tooltip=[f"{label}:N", f"{colour}:N", f"{value}:Q"],
        )
    )
    zero = alt.Chart(_data([{"zero": 0}])).mark_rule(color="#888").encode(x="zero:Q")
    return alt.layer(zero, points).properties(width=WIDTH - 320, height=max(60, 18 * len(order)), title=title)
