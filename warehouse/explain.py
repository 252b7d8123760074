"""What `cgt-atlas explain TRIAL_ID` shows: why one trial is counted as it is.

Every answer the marts give about a trial rests on a few decisions: its modality, cell source and role (the
classifier, each with the rule and the words it fired on), the cluster it joins (the other registrations of
the same trial and the evidence linking them), the organisation its sponsor maps to, its manufacturing model.
This gathers them for one trial, so an analyst can check a figure against the record it came from.
"""

from __future__ import annotations

from pathlib import Path

from cgt_atlas.errors import AtlasError
from warehouse.connect import connect_reader
from warehouse.status import Section


class UnknownTrial(AtlasError):
    """The id names no trial record in the warehouse."""


RECORD = """
SELECT trial_id, registry, title, phase, overall_status, start_date, enrollment, lead_sponsor,
    lead_sponsor_class, last_update_date, source_url
FROM trials WHERE trial_id = $id
"""

CLASSIFICATION = """
SELECT is_cgt, modality, modality_rule, modality_evidence, target, target_rule, cell_source,
    cell_source_basis, cell_source_rule, cell_source_evidence, cgt_role, cgt_role_rule, cgt_role_evidence,
    delivery, rules_version
FROM trial_classification WHERE trial_id = $id
"""

CLUSTER = """
WITH members AS (
    SELECT trial_id, registry, is_preferred FROM trial_clusters
    WHERE cluster_id = (SELECT cluster_id FROM trial_clusters WHERE trial_id = $id)
)
SELECT members.trial_id, members.registry, members.is_preferred,
    string_agg(DISTINCT links.link_kind, ', ') AS link_kinds,
    string_agg(DISTINCT links.matched_on, ', ') AS matched_on,
    min(links.evidence) AS evidence
FROM members
LEFT JOIN trial_links AS links
    ON members.trial_id <> $id
    AND ((links.trial_id = members.trial_id AND links.linked_trial_id IN (SELECT trial_id FROM members))
         OR (links.linked_trial_id = members.trial_id AND links.trial_id IN (SELECT trial_id FROM members)))
GROUP BY members.trial_id, members.registry, members.is_preferred
ORDER BY members.trial_id = $id DESC, members.is_preferred DESC, members.trial_id
"""

COUNTED = """
SELECT cluster_id, count(*) AS countries,
    string_agg(coalesce(country_code, '(no site)'), ' ' ORDER BY country_code) AS country_codes,
    any_value(start_year) AS start_year, any_value(modality) AS modality, any_value(cgt_role) AS cgt_role,
    bool_or(counts_as_development) AS counts_as_development, bool_or(is_started) AS is_started,
    bool_or(is_counted) AS is_counted,
    bool_or(is_active) AS is_active, any_value(registrations) AS registrations
FROM mart_cluster_countries
WHERE cluster_id = (SELECT cluster_id FROM trial_clusters WHERE trial_id = $id)
GROUP BY cluster_id
"""

ORGANISATIONS = """
SELECT "role", sponsor_name, organisation_name, org_type, is_curated, country_code, region, country_rule,
    evidence
FROM trial_organisations WHERE trial_id = $id ORDER BY "role", sponsor_name
"""

MANUFACTURING = """
SELECT manufacturing_model, is_per_patient, cell_source, cell_source_basis
FROM trial_manufacturing WHERE trial_id = $id
"""

SECTIONS = (
    ("the record", RECORD),
    ("classification (rules and the words they fired on; docs/classifier.md)", CLASSIFICATION),
    ("registrations of the same trial (trial_clusters, trial_links)", CLUSTER),
    ("how the marts count it (mart_cluster_countries)", COUNTED),
    ("sponsors and their organisations (trial_organisations)", ORGANISATIONS),
    ("manufacturing (trial_manufacturing)", MANUFACTURING),
)


def explain_trial(db_path: Path, trial_id: str) -> list[Section]:
    """The sections that explain one trial, each (title, columns, rows); an unknown id is an error."""
    con = connect_reader(db_path)
    try:
        sections: list[Section] = []
        for title, sql in SECTIONS:
            relation = con.sql(sql, params={"id": trial_id})
            sections.append((title, relation.columns, relation.fetchall()))
    finally:
        con.close()
    if not sections[0][2]:
        raise UnknownTrial(f"no trial {trial_id!r} in {db_path}")
    return sections
