-- Grain: one row per trial x role (lead, collaborator) x sponsor spelling, as trial_sponsors holds it:
-- the organisation that spelling belongs to (a curated parent, or the spelling's own normalised name)
-- with its type, country, region, the rule that gave the country (curated, registry address, own site,
-- single-country sites, unknown) and the evidence; all from sponsor_organisations, matched on
-- organisation_key(name) (name_keys). A blank sponsor name has no organisation (country_rule 'unknown').
-- Columns:
--   *: as in sponsor_organisations
--   trial_id: the trial record
--   role: `lead` or `collaborator` (as `trial_sponsors`)
--   sponsor_name: the spelling as the record writes it
--   sponsor_class: the record's sponsor class
--   is_curated: the spelling names a curated organisation (false when unmatched)
--   country_rule: as in `sponsor_organisations`; `unknown` when unmatched
--   sponsor_kind, mapped_by: as in `sponsor_organisations` (a person sponsor mapped to its affiliation, a part
--     of a university merged into it)
--   now_part_of: for a trial that started before its sponsor's acquisition took effect
--     (`sponsor_organisations.acquired_on`, compared as text at the precision the page gives), the acquirer's
--     name; the trial then stays with the acquired company (organisation_id: the spelling's key, organisation_name:
--     the spelling, country_rule `unknown`: the acquired company's own HQ is not curated). NULL otherwise, and for
--     trials without a start date (they count with the acquirer)
WITH matched AS (
    SELECT sponsors.trial_id, sponsors.role, sponsors."name" AS sponsor_name, sponsors.sponsor_class,
        orgs.* EXCLUDE (sponsor_name, sponsor_class, spellings, trials),
        coalesce(orgs.acquired_on IS NOT NULL AND CAST(trials.start_date AS VARCHAR) < orgs.acquired_on, false)
            AS before_acquisition
    FROM trial_sponsors AS sponsors
    LEFT JOIN trials USING (trial_id)
    LEFT JOIN name_keys AS keys ON keys."name" = sponsors."name"
    LEFT JOIN sponsor_organisations AS orgs ON orgs.sponsor_key = keys.name_key
)
SELECT
    trial_id,
    role,
    sponsor_name,
    sponsor_class,
    CASE WHEN before_acquisition THEN sponsor_key ELSE organisation_id END AS organisation_id,
    CASE WHEN before_acquisition THEN sponsor_name ELSE organisation_name END AS organisation_name,
    org_type,
    coalesce(is_curated, false) AS is_curated,
    CASE WHEN NOT before_acquisition THEN country_code END AS country_code,
    CASE WHEN NOT before_acquisition THEN region END AS region,
    CASE WHEN before_acquisition THEN 'unknown' ELSE coalesce(country_rule, 'unknown') END AS country_rule,
    CASE WHEN before_acquisition
        THEN 'started before ' || organisation_name || ' acquired it (' || acquired_on || '); ' || evidence
        ELSE evidence
    END AS evidence,
    sponsor_kind,
    mapped_by,
    CASE WHEN before_acquisition THEN organisation_name END AS now_part_of
FROM matched
ORDER BY trial_id, role DESC, sponsor_name
