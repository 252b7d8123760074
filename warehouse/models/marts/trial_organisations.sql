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
SELECT
    sponsors.trial_id,
    sponsors.role,
    sponsors."name" AS sponsor_name,
    sponsors.sponsor_class,
    orgs.organisation_id,
    orgs.organisation_name,
    orgs.org_type,
    coalesce(orgs.is_curated, false) AS is_curated,
    orgs.country_code,
    orgs.region,
    coalesce(orgs.country_rule, 'unknown') AS country_rule,
    orgs.evidence,
    orgs.sponsor_kind,
    orgs.mapped_by
FROM trial_sponsors AS sponsors
LEFT JOIN name_keys AS keys ON keys."name" = sponsors."name"
LEFT JOIN sponsor_organisations AS orgs ON orgs.sponsor_key = keys.name_key
ORDER BY sponsors.trial_id, sponsors.role DESC, sponsors."name"
