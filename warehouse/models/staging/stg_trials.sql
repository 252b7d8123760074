-- Grain: one row per trial, with the derived fields every mart uses. The registry dates are DATEs here (the
-- `trials` table keeps them as the registry wrote them): the first day the value can mean, with a `*_precision`
-- column saying whether the registry gave the day, only the month or only the year.
-- Columns:
--   *: as in trials
--   start_date: the start date as a DATE (a month or a year given alone: its first day); NULL when not given or not a
--     date
--   start_date_precision: `day`, `month` or `year`: how much of `start_date` the registry gave; NULL with it
--   primary_completion_date, completion_date, first_posted_date, last_update_date: as `start_date`
--   primary_completion_date_precision, completion_date_precision: as `start_date_precision`
--   first_posted_date_precision, last_update_date_precision: as `start_date_precision`
--   start_year: year of `start_date` (INTEGER); NULL when not given
--   is_active: status is `RECRUITING`, `NOT_YET_RECRUITING`, `ACTIVE_NOT_RECRUITING` or `ENROLLING_BY_INVITATION`
--   is_industry_led: the lead sponsor is a company: the kind of the curated organisation it names
--     (organisations.org_type, through organisation_aliases or the organisation's own name) when it names one,
--     else `lead_sponsor_class = 'INDUSTRY'` or a company's legal form in the name (is_company_name: "Co., Ltd."
--     registered as OTHER). Registries file some companies as OTHER and some hospitals' companies as INDUSTRY.
WITH lead_keys AS (
    SELECT lead_sponsor, organisation_key(lead_sponsor) AS lead_key
    FROM (SELECT DISTINCT lead_sponsor FROM trials WHERE lead_sponsor IS NOT NULL)
),
curated_kinds AS (
    SELECT aliases.alias_key AS lead_key, min(organisations.org_type) AS org_type
    FROM organisation_aliases AS aliases JOIN organisations USING (organisation_id)
    GROUP BY aliases.alias_key
    UNION ALL
    SELECT organisation_key("name"), min(org_type) FROM organisations
    WHERE organisation_key("name") NOT IN (SELECT alias_key FROM organisation_aliases)
    GROUP BY ALL
),
lead_kinds AS (
    SELECT lead_keys.lead_sponsor, min(curated_kinds.org_type) AS curated_type
    FROM lead_keys JOIN curated_kinds USING (lead_key)
    GROUP BY lead_keys.lead_sponsor
)
SELECT
    trials.* REPLACE (
        partial_date_low(trials.start_date) AS start_date,
        partial_date_low(trials.primary_completion_date) AS primary_completion_date,
        partial_date_low(trials.completion_date) AS completion_date,
        partial_date_low(trials.first_posted_date) AS first_posted_date,
        partial_date_low(trials.last_update_date) AS last_update_date
    ),
    partial_date_precision(trials.start_date) AS start_date_precision,
    partial_date_precision(trials.primary_completion_date) AS primary_completion_date_precision,
    partial_date_precision(trials.completion_date) AS completion_date_precision,
    partial_date_precision(trials.first_posted_date) AS first_posted_date_precision,
    partial_date_precision(trials.last_update_date) AS last_update_date_precision,
    year(partial_date_low(trials.start_date)) AS start_year,
    overall_status IN (
        'RECRUITING', 'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING', 'ENROLLING_BY_INVITATION'
    ) AS is_active,
    CASE
        WHEN lead_kinds.curated_type IS NOT NULL THEN lead_kinds.curated_type = 'industry'
        WHEN is_company_name(trials.lead_sponsor) THEN true
        ELSE lead_sponsor_class = 'INDUSTRY'
    END AS is_industry_led
FROM trials
LEFT JOIN lead_kinds USING (lead_sponsor)
