-- Grain: one row per region x start year x phase (NULLs: unknown year or phase).
-- A trial counts in every region where it has at least one site.
SELECT
    region,
    start_year,
    phase,
    count(DISTINCT trial_id) AS trials_started,
    count(DISTINCT trial_id) FILTER (WHERE is_active) AS trials_active,
    count(*) AS sites,
    round(count(DISTINCT trial_id) FILTER (WHERE is_industry_led) / count(DISTINCT trial_id), 4)
        AS industry_share
FROM stg_trial_sites
GROUP BY region, start_year, phase
ORDER BY region, start_year, phase
