"""Every query the dashboard runs, on a fresh sealed read-only connection each time.

A connection per call holds no lock between clicks, so a refresh can still write the warehouse while the
dashboard is open; the next click reads the new data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.connect import connect_reader

CTIS_NUMBER = re.compile(r"^\d{4}-5\d{5}-\d{2}-\d{2}$")
"""EU CT number (CTIS), 2023-501234-12-00: the middle part starts with 5."""
EUDRACT_NUMBER = re.compile(r"^\d{4}-[0-4]\d{5}-\d{2}")
"""EudraCT number, 2015-001234-12 (EUCTR records add the country, -GB)."""

TRIAL_LIMIT = 5000
"""Rows sent to the trial table (which pages, sorts and filters them in the browser); the heading counts all
that match, and the CLI's sql/export give every row."""

CGT_DEVELOPMENT = "m.is_counted"
"""What every figure counts: trial_cluster_facts.is_counted (started investigational CGT trials)."""


SPONSOR_CLASS_LABELS = {
    "INDUSTRY": "Industry",
    "OTHER": "Other (universities, hospitals, ...)",
    "NIH": "NIH",
    "FED": "US federal agency",
    "OTHER_GOV": "Other government",
    "NETWORK": "Research network",
    "INDIV": "Individual",
    "AMBIG": "Ambiguous",
    "UNKNOWN": "Unknown",
}
"""ClinicalTrials.gov's lead sponsor classes as a reader names them (a class not listed shows as given)."""


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; an empty list means no filter."""

    regions: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    sponsor_classes: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None
    include_undated: bool = True
    """With a year range, keep the trials whose records give no start year (they lie in no range)."""


def _rows(db: Path, sql: str, params: list | None = None) -> list[dict]:
    con = connect_reader(db)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _where(filters: Filters, country: str | None = None) -> tuple[str, list]:
    clauses, params = [CGT_DEVELOPMENT], []
    for column, values in (
        ("m.region", filters.regions),
        ("m.modality", filters.modalities),
        ("m.lead_sponsor_class", filters.sponsor_classes),
        ("m.phase", filters.phases),
    ):
        if values:
            clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
            params.extend(values)
    if filters.years:
        undated = " or m.start_year is null" if filters.include_undated else ""
        clauses.append(f"(m.start_year between ? and ?{undated})")
        params.extend(filters.years)
    elif not filters.include_undated:
        clauses.append("m.start_year is not null")
    if country:
        clauses.append("m.country_code = ?")
        params.append(country)
    return " and ".join(clauses), params


def options(db: Path) -> dict[str, list]:
    """The filters' choices, the start-year range and how many trials have no start year, from what the
    warehouse holds."""
    base = f"from mart_cluster_countries m where {CGT_DEVELOPMENT}"
    values: dict[str, list] = {
        key: [
            r["v"] for r in _rows(db, f"select distinct {col} as v {base} and {col} is not null order by 1")
        ]
        for key, col in (
            ("regions", "m.region"),
            ("modalities", "m.modality"),
        )
    }
    values["sponsor_classes"] = [
        {"value": r["v"], "label": SPONSOR_CLASS_LABELS.get(r["v"], r["v"])}
        for r in _rows(
            db,
            f"select distinct m.lead_sponsor_class as v {base} and m.lead_sponsor_class is not null "
            "order by 1",
        )
    ]
    values["phases"] = _rows(
        db,
        f"""select distinct m.phase as value, phase_label(m.phase) as label {base} and m.phase is not null
            order by label""",
    )
    span = _rows(
        db,
        f"""select min(m.start_year) as lo, max(m.start_year) as hi,
                   count(distinct m.cluster_id) filter (where m.start_year is null) as undated {base}""",
    )[0]
    values["years"] = [span["lo"] or 2000, span["hi"] or 2026]
    values["undated"] = span["undated"]
    values["countries"] = _rows(
        db,
        f"""select m.country_code as value, any_value(m.country) as label
            {base} and m.country_code is not null group by m.country_code order by label""",
    )
    return values


def country_counts(db: Path, filters: Filters) -> list[dict]:
    """Distinct CGT trials (clusters, so a trial in three registries counts once) per country."""
    where, params = _where(filters)
    return _rows(
        db,
        f"""select m.country_code, any_value(m.country) as country, count(distinct m.cluster_id) as trials
            from mart_cluster_countries m where {where} and m.country_code is not null
            group by m.country_code order by trials desc""",
        params,
    )


def trials(db: Path, filters: Filters, country: str | None = None) -> list[dict]:
    """The filtered trials (one row each, from mart_trials), newest first, with a registry link, the phase and
    the lead organisation as people write them, and why the classifier gave its modality and cell source
    (shown on hover)."""
    where, params = _where(filters, country)
    return _rows(
        db,
        f"""select t.cluster_id as trial_id, t.title, t.start_year, t.phase_label as phase, t.modality,
                   coalesce(t.lead_organisation, t.lead_sponsor) as lead_sponsor, t.registries[1] as registry,
                   t.registry_url as source_url, array_to_string(t.countries, ', ') as countries,
                   c.modality_rule, c.modality_evidence, c.cell_source, c.cell_source_basis,
                   count(*) over () as matching
            from mart_trials t
            left join trial_classification c on c.trial_id = t.cluster_id
            where t.cluster_id in (select m.cluster_id from mart_cluster_countries m where {where})
            order by t.start_year desc nulls last, t.cluster_id limit {TRIAL_LIMIT}""",
        params,
    )


def sites(db: Path, filters: Filters, country: str) -> list[dict]:
    """The geocoded site points in `country` of the filtered trials, from any record of each: one row per
    point (CT.gov geocodes a site to its city, so a city's hospitals share one), with how many trials and
    sites are there and the first facilities by name. Bounded by the cities: every point is drawn."""
    where, params = _where(filters, country)
    return _rows(
        db,
        f"""select s.latitude, s.longitude, min(s.city) as city, min(s.country_code) as country_code,
                count(distinct c.cluster_id) as trials, count(distinct coalesce(s.facility, s.city)) as sites,
                list(distinct s.facility order by s.facility)[1:3] as facilities
            from trial_sites s join trial_clusters c on c.trial_id = s.trial_id
            where s.country_code = ? and s.latitude is not null and s.longitude is not null
              and c.cluster_id in (select m.cluster_id from mart_cluster_countries m where {where})
            group by s.latitude, s.longitude
            order by trials desc, city""",
        [country, *params],
    )


def registry_url(trial_id: str, source_url: str | None) -> str | None:
    """The record's public page: the registry's own URL, else one built from an id whose form allows it."""
    if source_url and source_url.startswith("https://"):
        return source_url
    if trial_id.upper().startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{trial_id}"
    if CTIS_NUMBER.match(trial_id):
        return f"https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={trial_id}"
    if EUDRACT_NUMBER.match(trial_id):
        return f"https://www.clinicaltrialsregister.eu/ctr-search/search?query={trial_id[:14]}"
    return f"https://trialsearch.who.int/Trial2.aspx?TrialID={trial_id}"


def approvals_by_year(db: Path) -> list[dict]:
    """CGT approvals each agency granted per year (decisions with no published year left out)."""
    return _rows(
        db,
        """select agency, decision_year, approvals from mart_approvals_timeline
           where approvals > 0 order by agency, decision_year nulls last""",
    )


def approvals(db: Path) -> list[dict]:
    """Each product's approval by each agency, earliest first, with the page the approval was taken from."""
    return _rows(
        db,
        """select l.display_name as product, l.agency, l.approval_date, l.first_agency, l.days_after_first,
                  min(a.source_url) as source_url
           from mart_regulatory_lag_by_agency l
           left join product_matches pm on pm.product_id = l.product_id
           left join approvals a on a.record_id = pm.record_id and a.agency = l.agency
           group by all order by l.approval_date, l.display_name, l.agency""",
    )


def regulatory_lag(db: Path) -> list[dict]:
    return _rows(
        db,
        """select display_name as product, first_agency, first_date, fda_approval_date, ema_approval_date,
                  pmda_approval_date, fda_lag_days, ema_lag_days, pmda_lag_days, other_approvals
           from mart_regulatory_lag order by first_date, display_name""",
    )


def supply_routes(db: Path) -> list[dict]:
    return _rows(
        db,
        """select approval_region, coalesce(manufacturing_region, 'not stated') as manufacturing_region,
                  case when manufacturing_region is not null then is_cross_region end as is_cross_region,
                  products, current_products, ended_products, stated_products, implied_products,
                  per_patient_products, product_names
           from mart_supply_routes order by products desc, approval_region""",
    )


def manufacturing_sites(db: Path) -> list[dict]:
    return _rows(
        db,
        """select region, country, commercial_sites, sites_cell_processing, sites_vector_manufacture,
                  products_made, registered_cgt_sites, registered_left_out, product_names
           from mart_manufacturing_sites order by commercial_sites desc, registered_cgt_sites desc""",
    )
