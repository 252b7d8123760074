-- Grain: one row per key of the activity marts: country x start year x modality (key_kind 'country') and
-- region x start year x phase x modality (key_kind 'region'); NULL keys: unknown year or phase, or trials that
-- list no site (the regional and country marts leave those out; the no-site companion mart keeps them). The trial figures of the activity marts, computed once with GROUPING SETS so the country and the
-- regional figures cannot drift apart; each mart adds its approvals. Only CGT trials are here (is_cgt: trials that
-- are not CGT have no row). trials_started counts the counted trials (trial_cluster_facts.is_counted: started
-- investigational CGT trials); trials_active, sites, sponsors and the industry figures are of those. The others
-- are counted apart: withdrawn and not-yet-recruiting trials, and CGT trials that only follow up patients treated
-- earlier or study CAR-T recipients (trials_follow_up and trials_population, started ones). Counts clusters, not
-- registry records: a trial registered in several registries counts once (trial_clusters), in every country and
-- region where any of its records has a site, with its cluster's start year, phase, status, sponsor and modality
-- (mart_cluster_countries).
-- Columns:
--   key_kind: `country` (the row of a country x start year x modality) or `region` (region x start year x phase x
--     modality)
--   country_code: the country, ISO 3166-1 alpha-2 (`country` rows; NULL there: trials that list no site)
--   country: the country's name (`country` rows)
--   region: the region (of the country, on `country` rows); NULL: trials that list no site
--   start_year: year the trials started (NULL: no record of the trial gives a start date; these trials are counted on
--     their own row, never dropped)
--   phase: the trials' phase (`region` rows; NULL: not given)
--   modality: the trials' primary CGT modality (`trial_classification`, see docs/classifier.md); part of the grain:
--     summing `trials_started`, `trials_active` and `sites` over `modality` gives the figures without it;
--     `industry_share` must be recomputed, not summed
--   trials_started: distinct trials with a site there that started that year: **withdrawn and not-yet-recruiting
--     trials are not counted here** (status unknown counts as started)
--   trials_active: of those, trials whose status is active now (see `stg_trials.is_active`)
--   trials_not_yet_recruiting: trials not yet recruiting, counted apart (their start year is planned)
--   trials_withdrawn: trials withdrawn before enrolling anyone, counted apart
--   trials_follow_up: started CGT trials whose `cgt_role` is `follow-up` (long-term follow-up of patients treated
--     earlier), not in `trials_started`
--   trials_population: started CGT trials whose `cgt_role` is `population` (supportive care, drugs for CAR-T
--     recipients, registries), not in `trials_started`
--   sites: the started trials' sites there (per trial and country, the most sites any one of its records lists
--     there; summed over a region's countries)
--   industry_trials: the numerator of `industry_share`: trials with an industry lead sponsor. Re-aggregate a share as
--     `sum(industry_trials) / sum(trials_started)`, never by averaging `industry_share`
--   industry_share: share of those trials with an industry lead sponsor (0 to 1)
--   distinct_sponsors: distinct lead sponsors of those trials (cannot be summed across rows)
--   duplicate_registrations: further registrations of the row's started trials merged into them as probable
--     duplicates (`registrations` - 1, each cluster once per row); `trials_started + duplicate_registrations` is
--     what `trials_started` would be without the rule
WITH placed AS (
    -- A trial with sites in two countries of one region is one row per country: its duplicate registrations
    -- count once per region, on its first country there.
    SELECT *, row_number() OVER (PARTITION BY cluster_id, region ORDER BY country_code) = 1 AS first_in_region
    FROM mart_cluster_countries
    WHERE is_cgt
)
SELECT
    CASE WHEN grouping(country_code) = 0 THEN 'country' ELSE 'region' END AS key_kind,
    country_code,
    CASE WHEN grouping(country_code) = 0 THEN min(country) END AS country,
    CASE WHEN grouping(country_code) = 0 THEN min(region) ELSE region END AS region,
    start_year,
    phase,
    modality,
    count(DISTINCT cluster_id) FILTER (WHERE is_counted) AS trials_started,
    count(DISTINCT cluster_id) FILTER (WHERE is_counted AND is_active) AS trials_active,
    count(DISTINCT cluster_id) FILTER (WHERE counts_as_development AND overall_status = 'NOT_YET_RECRUITING')
        AS trials_not_yet_recruiting,
    count(DISTINCT cluster_id) FILTER (WHERE counts_as_development AND overall_status = 'WITHDRAWN') AS trials_withdrawn,
    count(DISTINCT cluster_id) FILTER (WHERE is_started AND cgt_role = 'follow-up') AS trials_follow_up,
    count(DISTINCT cluster_id) FILTER (WHERE is_started AND cgt_role = 'population') AS trials_population,
    coalesce(sum(sites) FILTER (WHERE is_counted), 0)::BIGINT AS sites,
    count(DISTINCT cluster_id) FILTER (WHERE is_counted AND is_industry_led) AS industry_trials,
    round(count(DISTINCT cluster_id) FILTER (WHERE is_counted AND is_industry_led)
        / nullif(count(DISTINCT cluster_id) FILTER (WHERE is_counted), 0), 4) AS industry_share,
    count(DISTINCT lead_sponsor) FILTER (WHERE is_counted) AS distinct_sponsors,
    CASE WHEN grouping(country_code) = 0
        THEN coalesce(sum(registrations - 1) FILTER (WHERE is_counted), 0)
        ELSE coalesce(sum(registrations - 1) FILTER (WHERE is_counted AND first_in_region), 0)
    END::BIGINT AS duplicate_registrations
FROM placed
GROUP BY GROUPING SETS ((country_code, start_year, modality), (region, start_year, phase, modality))
ORDER BY key_kind, country_code, region, start_year, phase, modality
