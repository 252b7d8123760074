-- Grain: one row per region x start year: the trials (clusters) with a site in the region that started
-- that year, how international they are, and how many were sponsored from another region.
-- multi_region_share: share of those trials with sites in two or more regions; countries_per_trial:
-- mean number of countries (anywhere) per trial; sponsor_region_known: trials whose lead sponsor's
-- country the registry gives (trial_sponsors.country_name: EUCTR only, so far); sponsored_from_elsewhere:
-- of those, trials whose sponsor's country lies in another region than this one.
WITH cluster_spread AS (
    SELECT cluster_id, count(DISTINCT region) AS regions, count(DISTINCT country_code) AS countries
    FROM mart_cluster_countries
    GROUP BY cluster_id
),
sponsor_region AS (
    -- the preferred record's lead sponsor; a record naming leads in two regions: the first region by name
    SELECT clusters.cluster_id, arg_min(countries.region, (clusters.preference, countries.region)) AS sponsor_region
    FROM trial_sponsors AS sponsors
    JOIN trial_clusters AS clusters USING (trial_id)
    JOIN countries ON lower(countries."name") = lower(trim(sponsors.country_name))
    WHERE sponsors.role = 'lead'
    GROUP BY clusters.cluster_id
),
regional AS (
    SELECT DISTINCT cluster_id, region, start_year FROM mart_cluster_countries
)
SELECT
    regional.region,
    regional.start_year,
    count(*) AS trials,
    round(count(*) FILTER (WHERE spread.regions >= 2) / count(*), 4) AS multi_region_share,
    round(avg(spread.countries), 2) AS countries_per_trial,
    count(sponsor.sponsor_region) AS sponsor_region_known,
    count(*) FILTER (WHERE sponsor.sponsor_region <> regional.region) AS sponsored_from_elsewhere
FROM regional
JOIN cluster_spread AS spread USING (cluster_id)
LEFT JOIN sponsor_region AS sponsor USING (cluster_id)
GROUP BY regional.region, regional.start_year
ORDER BY regional.region, regional.start_year
