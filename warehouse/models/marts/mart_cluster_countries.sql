-- Grain: one row per cluster (one real-world trial, see trial_clusters) x country where any of
-- its records has a site; a cluster none of whose records lists a site has one row with country_code and
-- region NULL, so that it is counted (as "no site listed") and never silently dropped. Every cluster is here,
-- CGT or not: the cluster's facts (start year, phase, status, sponsor, classification, is_counted) are
-- trial_cluster_facts', one value per cluster on each of its country rows. sites: the most sites any one record
-- lists in that country (registries repeat the same sites; EUCTR and ICTRP list a country once), so a trial held
-- by three registries is not counted three times. Count trials with `count(DISTINCT cluster_id) FILTER (WHERE
-- is_counted)`: is_counted is the one definition of a counted trial.
-- Columns:
--   cluster_id: the cluster (`trial_clusters.cluster_id`)
--   country_code: ISO 3166-1 alpha-2; NULL for the row of a cluster none of whose records lists a site
--   country: the country's name; NULL as `country_code`
--   region: the country's region; NULL as `country_code`
--   sites: the most sites any one record lists in that country (0 on the no-site row)
--   *: as in trial_cluster_facts
WITH record_country AS (
    SELECT clusters.cluster_id, sites.trial_id, sites.country_code, min(sites.country) AS country,
        min(sites.region) AS region, count(*) AS sites
    FROM stg_trial_sites AS sites
    JOIN trial_clusters AS clusters USING (trial_id)
    GROUP BY clusters.cluster_id, sites.trial_id, sites.country_code
),
cluster_country AS (
    SELECT cluster_id, country_code, min(country) AS country, min(region) AS region, max(sites) AS sites
    FROM record_country
    GROUP BY cluster_id, country_code
    UNION ALL
    SELECT cluster_id, NULL, NULL, NULL, 0
    FROM trial_cluster_facts
    WHERE cluster_id NOT IN (SELECT cluster_id FROM record_country)
)
SELECT
    cluster_country.cluster_id,
    cluster_country.country_code,
    cluster_country.country,
    cluster_country.region,
    facts.start_year,
    facts.phase,
    facts.is_active,
    facts.is_industry_led,
    cluster_country.sites,
    facts.modality,
    facts.cell_source,
    facts.target,
    facts.lead_sponsor,
    facts.lead_sponsor_class,
    facts.end_year,
    facts.overall_status,
    facts.is_started,
    facts.registrations,
    facts.cgt_role,
    facts.counts_as_development,
    facts.cell_source_basis,
    facts.enrollment,
    facts.is_cgt,
    facts.is_counted
FROM cluster_country
JOIN trial_cluster_facts AS facts USING (cluster_id)
ORDER BY cluster_country.cluster_id, cluster_country.country_code
