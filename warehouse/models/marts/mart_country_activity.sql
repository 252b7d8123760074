-- Grain: one row per country x start year (start_year NULL: no record of the trial gives one).
-- Counts clusters, not registry records: a trial registered at ClinicalTrials.gov, EUCTR and a
-- national registry counts once (trial_clusters), in every country where any of its records
-- has a site; start year, status and sponsor class are its cluster's (mart_cluster_countries).
-- sites: per trial and country, the most sites any one of its records lists there.
SELECT
    country_code,
    any_value(country) AS country,
    any_value(region) AS region,
    start_year,
    count(DISTINCT cluster_id) AS trials_started,
    count(DISTINCT cluster_id) FILTER (WHERE is_active) AS trials_active,
    sum(sites)::BIGINT AS sites,
    round(count(DISTINCT cluster_id) FILTER (WHERE is_industry_led) / count(DISTINCT cluster_id), 4)
        AS industry_share
FROM mart_cluster_countries
GROUP BY country_code, start_year
ORDER BY country_code, start_year
