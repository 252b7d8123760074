-- Grain: one row per country x start year (start_year NULL: the registry gives no start date).
-- A trial counts in every country where it has at least one site.
SELECT
    country_code,
    any_value(country) AS country,
    any_value(region) AS region,
    start_year,
    count(DISTINCT trial_id) AS trials_started,
    count(DISTINCT trial_id) FILTER (WHERE is_active) AS trials_active,
    count(*) AS sites,
    round(count(DISTINCT trial_id) FILTER (WHERE is_industry_led) / count(DISTINCT trial_id), 4)
        AS industry_share
FROM stg_trial_sites
GROUP BY country_code, start_year
ORDER BY country_code, start_year
