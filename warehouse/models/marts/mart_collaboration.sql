-- Grain: one row per region x start year: the CGT trials (clusters whose modality is not 'not CGT' and whose
-- CGT is the investigational product, mart_cluster_countries.counts_as_development) with
-- a site in the region that started that year, how international they are, and how many were sponsored
-- from another region. multi_region_trials: those with sites in two or more regions (multi_region_share
-- = multi_region_trials / trials); countries_total: their countries (anywhere) summed
-- (countries_per_trial = countries_total / trials); sponsor_region_known: trials whose lead sponsor's
-- organisation has a known region (sponsor_organisations: curated parent, registry address, own site or
-- single-country sites), split by rule in the sponsor_region_by_* columns; sponsored_from_elsewhere: of
-- those, trials whose sponsor's region is not this row's region. Counts add up over years, not over
-- regions (a trial with sites in two regions is in both).
-- Columns:
--   region: the region
--   start_year: the trials' start year
--   trials: CGT trials (clusters) with a site in the region that started that year
--   multi_region_share: share with sites in two or more regions (`multi_region_trials / trials`)
--   countries_per_trial: mean countries per trial, anywhere (`countries_total / trials`)
--   sponsor_region_known: trials whose lead sponsor's organisation has a known region (any `country_rule` but
--     `unknown`)
--   sponsored_from_elsewhere: of those, the sponsor's region is not the row's region
--   multi_region_trials: trials with sites in two or more regions
--   countries_total: their countries (anywhere) summed
--   sponsor_region_by_curated, sponsor_region_by_registry_address, sponsor_region_by_own_site, sponsor_region_by_single_country_sites: `sponsor_region_known` split by rule
WITH cgt AS (
    SELECT * FROM mart_cluster_countries
    WHERE is_counted AND region IS NOT NULL
),
cluster_spread AS (
    SELECT cluster_id, count(DISTINCT region) AS regions, count(DISTINCT country_code) AS countries
    FROM cgt
    GROUP BY cluster_id
),
sponsor_region AS (
    SELECT DISTINCT cgt.cluster_id, orgs.region AS sponsor_region, orgs.country_rule
    FROM cgt
    JOIN name_keys AS keys ON keys."name" = cgt.lead_sponsor
    JOIN sponsor_organisations AS orgs ON orgs.sponsor_key = keys.name_key
    WHERE orgs.region IS NOT NULL
),
regional AS (
    SELECT DISTINCT cluster_id, region, start_year FROM cgt
)
SELECT
    regional.region,
    regional.start_year,
    count(*) AS trials,
    round(count(*) FILTER (WHERE spread.regions >= 2) / count(*), 4) AS multi_region_share,
    round(avg(spread.countries), 2) AS countries_per_trial,
    count(sponsor.sponsor_region) AS sponsor_region_known,
    count(*) FILTER (WHERE sponsor.sponsor_region <> regional.region) AS sponsored_from_elsewhere,
    count(*) FILTER (WHERE spread.regions >= 2) AS multi_region_trials,
    sum(spread.countries)::BIGINT AS countries_total,
    count(*) FILTER (WHERE sponsor.country_rule = 'curated') AS sponsor_region_by_curated,
    count(*) FILTER (WHERE sponsor.country_rule = 'registry address') AS sponsor_region_by_registry_address,
    count(*) FILTER (WHERE sponsor.country_rule = 'own site') AS sponsor_region_by_own_site,
    count(*) FILTER (WHERE sponsor.country_rule = 'single-country sites') AS sponsor_region_by_single_country_sites
FROM regional
JOIN cluster_spread AS spread USING (cluster_id)
LEFT JOIN sponsor_region AS sponsor USING (cluster_id)
GROUP BY regional.region, regional.start_year
ORDER BY regional.region, regional.start_year
