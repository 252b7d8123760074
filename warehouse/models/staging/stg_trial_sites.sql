-- stg_trial_sites: one row per trial site, with its trial's start year, status and sponsor class.
SELECT
    sites.trial_id,
    sites.site_index,
    sites.country_code,
    countries."name" AS country,
    sites.region,
    trials.start_year,
    trials.phase,
    trials.is_active,
    trials.is_industry_led
FROM trial_sites AS sites
JOIN stg_trials AS trials USING (trial_id)
LEFT JOIN countries USING (country_code)
