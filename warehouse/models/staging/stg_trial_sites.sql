-- Grain: one row per trial site, with its trial's start year, status and sponsor class.
-- Columns:
--   trial_id: the trial
--   site_index: as in `trial_sites`
--   country_code: the site's country, ISO 3166-1 alpha-2
--   country: the country's name (`countries`)
--   region: the country's region
--   start_year, phase, is_active, is_industry_led: the trial's (`stg_trials`)
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
