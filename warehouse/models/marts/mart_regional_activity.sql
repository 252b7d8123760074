-- Grain: one row per region x start year x phase (NULLs: unknown year or phase).
-- Counts clusters, not registry records: a trial registered in several registries counts
-- once (trial_clusters), in every region where any of its records has a site, with its
-- cluster's start year, phase, status and sponsor class (mart_cluster_countries).
-- sites: summed over the region's countries, each the most sites one record lists there.
SELECT
    region,
    start_year,
    phase,
    count(DISTINCT cluster_id) AS trials_started,
    count(DISTINCT cluster_id) FILTER (WHERE is_active) AS trials_active,
    sum(sites)::BIGINT AS sites,
    round(count(DISTINCT cluster_id) FILTER (WHERE is_industry_led) / count(DISTINCT cluster_id), 4)
        AS industry_share
FROM mart_cluster_countries
GROUP BY region, start_year, phase
ORDER BY region, start_year, phase
