-- Grain: one row per cluster (one real-world trial, see trial_clusters) x country where any of
-- its records has a site. start_year, phase, is_active and is_industry_led come from the
-- preferred record, or from the next record in preference order that gives them. sites: the
-- most sites any one record lists in that country (registries repeat the same sites; EUCTR and
-- ICTRP list a country once), so a trial held by three registries is not counted three times.
WITH member AS (
    SELECT clusters.cluster_id, clusters.preference, trials.*
    FROM trial_clusters AS clusters
    JOIN stg_trials AS trials USING (trial_id)
),
cluster_facts AS (
    SELECT
        cluster_id,
        arg_min(start_year, preference) FILTER (WHERE start_year IS NOT NULL) AS start_year,
        arg_min(phase, preference) FILTER (WHERE phase IS NOT NULL) AS phase,
        arg_min(is_active, preference) FILTER (WHERE coalesce(overall_status, 'UNKNOWN') <> 'UNKNOWN')
            AS is_active,
        arg_min(is_industry_led, preference) FILTER (WHERE lead_sponsor_class IS NOT NULL) AS is_industry_led
    FROM member
    GROUP BY cluster_id
),
record_country AS (
    SELECT clusters.cluster_id, sites.trial_id, sites.country_code, any_value(sites.country) AS country,
        any_value(sites.region) AS region, count(*) AS sites
    FROM stg_trial_sites AS sites
    JOIN trial_clusters AS clusters USING (trial_id)
    GROUP BY clusters.cluster_id, sites.trial_id, sites.country_code
)
SELECT
    cluster_id,
    country_code,
    any_value(country) AS country,
    any_value(region) AS region,
    any_value(cluster_facts.start_year) AS start_year,
    any_value(cluster_facts.phase) AS phase,
    any_value(cluster_facts.is_active) AS is_active,
    any_value(cluster_facts.is_industry_led) AS is_industry_led,
    max(sites) AS sites
FROM record_country
JOIN cluster_facts USING (cluster_id)
GROUP BY cluster_id, country_code
ORDER BY cluster_id, country_code
