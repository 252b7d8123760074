-- Grain: one row per region x start year x phase x modality (NULLs: unknown year or phase). Only CGT and only
-- placed: no 'not CGT' row and no row without a region (trials that list no site are in mart_activity_no_site).
-- trials_started counts the counted trials (trial_cluster_facts.is_counted: started investigational CGT trials,
-- what the report counts); trials_active, sites, sponsors and the industry figures are of those. Withdrawn and
-- not-yet-recruiting trials, follow-up and population trials are counted apart (trials_withdrawn,
-- trials_not_yet_recruiting, trials_follow_up, trials_population). industry_trials: the numerator of
-- industry_share, so a dashboard that sums rows recomputes the share as sum(industry_trials) / sum(trials_started)
-- instead of averaging shares. duplicate_registrations: further registrations of those started trials that
-- were merged into them as probable duplicates (mart_cluster_countries.registrations - 1), so
-- trials_started + duplicate_registrations is what the count would be without the duplicate rule.
-- distinct_sponsors is a distinct count: it cannot be summed across rows (a sponsor can lead trials in many).
-- Counts clusters, not registry records: a trial registered in several registries counts
-- once (trial_clusters), in every region where any of its records has a site, with its
-- cluster's start year, phase, status, sponsor and modality (mart_cluster_countries). Every
-- cluster has exactly one modality, so summing over modality gives the region x year x phase figures; a trial
-- with sites in two regions counts in both (mart_trials lists each trial once). sites: summed over the region's
-- countries, each the most sites one record lists there. approvals: CGT products first approved in the region
-- that year with that modality (product_first_approvals; products the classifier names not CGT left out);
-- approvals have no phase, so they sit on the phase-NULL row (a row with trials_started = 0 when no trial of
-- unknown phase started there that year).
-- Columns:
--   region: the region
--   phase: the trials' phase; NULL: not given (and approvals)
--   start_year: year the trials started (NULL: not given; counted on their own row)
--   sites: the started trials' sites, summed over the region's countries, each the most sites one record lists there
--   industry_share: share of those trials with an industry lead sponsor (0 to 1); NULL on approval-only rows
--   approvals: CGT products first approved in the region (EMA in Europe) that year with that modality; approvals
--     have no phase, so they sit on the row with `phase` NULL
--   *: as in activity_trial_counts
WITH trials AS (
    SELECT * EXCLUDE (key_kind, country_code, country) FROM activity_trial_counts
    WHERE key_kind = 'region' AND region IS NOT NULL
),
regional_firsts AS (
    SELECT product_id, region, min(modality) AS modality,
        min(approval_year) AS approval_year
    FROM product_first_approvals
    WHERE modality <> 'not CGT'
    GROUP BY product_id, region
),
approved AS (
    SELECT region, approval_year AS start_year, NULL::VARCHAR AS phase, modality, count(*) AS approvals
    FROM regional_firsts
    GROUP BY region, approval_year, modality
)
SELECT
    coalesce(trials.region, approved.region) AS region,
    coalesce(trials.start_year, approved.start_year) AS start_year,
    coalesce(trials.phase, approved.phase) AS phase,
    coalesce(trials.modality, approved.modality) AS modality,
    coalesce(trials.trials_started, 0) AS trials_started,
    coalesce(trials.trials_active, 0) AS trials_active,
    coalesce(trials.trials_not_yet_recruiting, 0) AS trials_not_yet_recruiting,
    coalesce(trials.trials_withdrawn, 0) AS trials_withdrawn,
    coalesce(trials.sites, 0)::BIGINT AS sites,
    trials.industry_share,
    coalesce(trials.industry_trials, 0) AS industry_trials,
    coalesce(trials.distinct_sponsors, 0) AS distinct_sponsors,
    coalesce(approved.approvals, 0) AS approvals,
    coalesce(trials.duplicate_registrations, 0) AS duplicate_registrations,
    coalesce(trials.trials_follow_up, 0) AS trials_follow_up,
    coalesce(trials.trials_population, 0) AS trials_population
FROM trials
FULL OUTER JOIN approved
    ON approved.region = trials.region
    AND approved.start_year IS NOT DISTINCT FROM trials.start_year
    AND trials.phase IS NULL
    AND approved.modality = trials.modality
ORDER BY region, start_year, phase, modality
