-- Grain: one row per region x lead organisation, for the 25 organisations leading the most CGT trials
-- (clusters) with a site in the region (ties share a rank, so a region may list a few more). Only CGT
-- trials count (modality other than 'not CGT', with the CGT as the investigational product: follow-up and
-- population trials are left out; so are trials that list no site), so no organisation without a CGT trial appears. A
-- cluster's lead sponsor (mart_cluster_countries.lead_sponsor) is mapped to its organisation through
-- sponsor_organisations: subsidiaries and acquired companies to their curated parent (Juno and Celgene
-- to Bristol Myers Squibb, Kite to Gilead), any other sponsor to itself. lead_sponsor: the organisation's
-- name; sponsor_names: the registry spellings merged into it there. sponsor_class: the registry class
-- (INDUSTRY, OTHER, NIH, ...) of most of its rows; top_modality: its most frequent modality there. Both
-- count rows of mart_cluster_countries (trial x country); a tie goes to the first by name. cgt_trials
-- equals trials (kept for the contract). hq_country_code / hq_region: the organisation's country by
-- country_rule (docs/organisations.md).
-- Columns:
--   region: the region
--   sponsor_rank: rank by trials within the region (ties share a rank)
--   lead_sponsor: the organisation's name
--   sponsor_class: the registry class of most of its rows
--   trials: CGT trials (clusters) it leads with a site in the region
--   trials_active: of those, active now
--   cgt_trials: equals `trials` (kept for the contract)
--   top_modality: its most frequent modality there
--   countries: distinct countries of those trials in the region
--   first_start_year, last_start_year: the earliest and latest start year of those trials
--   organisation_id: the parent organisation
--   org_type: `industry`, `academic_or_hospital`, `government`, `other`
--   hq_country_code, hq_region: the organisation's country and region by `country_rule`
--   country_rule: how its country is known (docs/organisations.md)
--   sponsor_names: the registry spellings merged into the row, ` | `-separated
--   now_part_of: for a company its curated parent acquired, on the row of its trials that started before the
--     acquisition's year (`sponsor_organisations.acquired_on`; a start year equal to it counts with the acquirer): the
--     acquirer's name; those trials stay with the acquired company (organisation_id: its spelling's key). NULL
--     otherwise
WITH led AS (
    SELECT clusters.*, orgs.*  EXCLUDE (sponsor_name, sponsor_class, spellings, trials, country_code, region),
        orgs.country_code AS org_country_code, orgs.region AS org_region,
        -- year precision: mart_cluster_countries keeps a start year
        coalesce(clusters.start_year < try_cast(left(orgs.acquired_on, 4) AS INTEGER), false) AS before_acquisition
    FROM mart_cluster_countries AS clusters
    JOIN name_keys AS keys ON keys."name" = clusters.lead_sponsor
    JOIN sponsor_organisations AS orgs ON orgs.sponsor_key = keys.name_key
    WHERE clusters.is_counted AND clusters.region IS NOT NULL
),
cgt AS (
    SELECT led.* EXCLUDE (organisation_id, organisation_name, country_rule),
        CASE WHEN before_acquisition THEN sponsor_key ELSE organisation_id END AS organisation_id,
        CASE WHEN before_acquisition THEN lead_sponsor ELSE organisation_name END AS organisation_name,
        CASE WHEN NOT before_acquisition THEN org_country_code END AS hq_country_code,
        CASE WHEN NOT before_acquisition THEN org_region END AS hq_region,
        CASE WHEN before_acquisition THEN 'unknown' ELSE country_rule END AS country_rule,
        CASE WHEN before_acquisition THEN organisation_name END AS now_part_of
    FROM led
),
votes AS (
    SELECT region, organisation_id, 'class' AS kind, lead_sponsor_class AS value, count(*) AS n
    FROM cgt
    WHERE lead_sponsor_class IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT region, organisation_id, 'modality', modality, count(*)
    FROM cgt
    WHERE modality IS NOT NULL
    GROUP BY ALL
),
most_frequent AS (
    SELECT region, organisation_id,
        arg_min(value, (-n, value)) FILTER (WHERE kind = 'class') AS sponsor_class,
        arg_min(value, (-n, value)) FILTER (WHERE kind = 'modality') AS top_modality
    FROM votes
    GROUP BY region, organisation_id
),
per_organisation AS (
    SELECT
        region,
        organisation_id,
        min(organisation_name) AS lead_sponsor,
        min(org_type) AS org_type,
        min(hq_country_code) AS hq_country_code,
        min(hq_region) AS hq_region,
        min(country_rule) AS country_rule,
        min(now_part_of) AS now_part_of,
        string_agg(DISTINCT lead_sponsor, ' | ' ORDER BY lead_sponsor) AS sponsor_names,
        count(DISTINCT cluster_id) AS trials,
        count(DISTINCT cluster_id) FILTER (WHERE is_active) AS trials_active,
        count(DISTINCT cluster_id) AS cgt_trials,
        count(DISTINCT country_code) AS countries,
        min(start_year) AS first_start_year,
        max(start_year) AS last_start_year
    FROM cgt
    GROUP BY region, organisation_id
),
ranked AS (
    SELECT per_organisation.*, most_frequent.sponsor_class, most_frequent.top_modality,
        rank() OVER (PARTITION BY per_organisation.region ORDER BY per_organisation.trials DESC) AS sponsor_rank
    FROM per_organisation
    LEFT JOIN most_frequent USING (region, organisation_id)
)
SELECT region, sponsor_rank, lead_sponsor, sponsor_class, trials, trials_active, cgt_trials, top_modality,
    countries, first_start_year, last_start_year, organisation_id, org_type, hq_country_code, hq_region,
    country_rule, sponsor_names, now_part_of
FROM ranked
WHERE sponsor_rank <= 25
ORDER BY region, sponsor_rank, lead_sponsor, organisation_id
