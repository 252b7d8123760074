-- Grain: one row per site of a counted trial (mart_trials) as one of its records lists it (key: trial_id,
-- site_index): facility, city, country and, where the registry geocodes it (ClinicalTrials.gov's geoPoint, to the
-- city), latitude and longitude. A trial registered in two registries that both list a site has it twice, once per
-- record (count distinct cluster_id for trials; registries other than ClinicalTrials.gov and CTIS list countries
-- only, so their rows have no facility and no coordinates).
-- Columns:
--   cluster_id: the trial (`mart_trials.cluster_id`)
--   trial_id: the record that lists the site
--   site_index: the site's position in that record (`trial_sites.site_index`)
--   facility: the facility's name as the registry writes it; NULL: the registry gives the country only
--   city: the site's city
--   state: its state or province
--   country_code: its country, ISO 3166-1 alpha-2
--   country: the country's name
--   region: the country's region
--   latitude: the site's latitude (WGS 84, as the registry geocodes it); NULL: not geocoded
--   longitude: the site's longitude; NULL as `latitude`
--   site_status: the site's recruitment status, where the registry gives one
SELECT
    clusters.cluster_id,
    sites.trial_id,
    sites.site_index,
    sites.facility,
    sites.city,
    sites.state,
    sites.country_code,
    countries."name" AS country,
    sites.region,
    sites.latitude,
    sites.longitude,
    sites.site_status
FROM trial_sites AS sites
JOIN trial_clusters AS clusters USING (trial_id)
LEFT JOIN countries USING (country_code)
WHERE clusters.cluster_id IN (SELECT cluster_id FROM mart_trials)
ORDER BY clusters.cluster_id, sites.trial_id, sites.site_index
