-- Grain: one row per country x start year x modality (start_year NULL: no record of the trial gives one). Only
-- CGT and only placed: no 'not CGT' row and no row without a country (trials that list no site are in
-- mart_activity_no_site). trials_started counts the counted trials (trial_cluster_facts.is_counted: started
-- investigational CGT trials, what the report counts); trials_active, sites, sponsors and the industry figures are
-- of those. Withdrawn and not-yet-recruiting trials, follow-up and population trials are counted apart
-- (trials_withdrawn, trials_not_yet_recruiting, trials_follow_up, trials_population). industry_trials: the
-- numerator of industry_share, so a dashboard that sums rows recomputes the share as
-- sum(industry_trials) / sum(trials_started) instead of averaging shares. duplicate_registrations: further
-- registrations of those started trials that were merged into them as probable duplicates
-- (mart_cluster_countries.registrations - 1), so trials_started + duplicate_registrations is what the count would
-- be without the duplicate rule. distinct_sponsors is a distinct count: it cannot be summed across rows (a sponsor
-- can lead trials in many).
-- Counts clusters, not registry records: a trial registered at ClinicalTrials.gov, EUCTR and a
-- national registry counts once (trial_clusters), in every country where any of its records
-- has a site; start year, status, sponsor and modality are its cluster's (mart_cluster_countries).
-- One modality per cluster: summing over modality gives country x year figures; a trial with sites in two
-- countries counts in both (mart_trials lists each trial once).
-- sites: per trial and country, the most sites any one of its records lists there.
-- approvals: CGT products first approved that year by the country's own agency (FDA for US, PMDA for
-- JP, ...; products the classifier names not CGT left out); EMA's EU-wide approvals are counted in
-- mart_regional_activity, not per member state.
-- Columns:
--   country_code: the country, ISO 3166-1 alpha-2
--   country: the country's name
--   region: the country's region
--   start_year: year the trials started (NULL: no record of the trial gives a start date; these trials are counted on
--     their own row, never dropped)
--   industry_share: share of those trials with an industry lead sponsor (0 to 1); NULL on approval-only rows
--   approvals: CGT products first approved that year, with that modality, by the country's own agency (FDA: US, PMDA:
--     JP, MFDS: KR, NMPA: CN, ...); EMA's EU-wide approvals are not assigned to member states. A row may carry
--     approvals and no trials (`trials_started` 0)
--   *: as in activity_trial_counts
WITH trials AS (
    SELECT * EXCLUDE (key_kind, phase) FROM activity_trial_counts
    WHERE key_kind = 'country' AND country_code IS NOT NULL
),
approved AS (
    SELECT firsts.country_code, countries."name" AS country, countries.region,
        firsts.approval_year AS start_year, firsts.modality, count(*) AS approvals
    FROM product_first_approvals AS firsts
    JOIN countries USING (country_code)
    WHERE firsts.modality <> 'not CGT'
    GROUP BY ALL
)
SELECT
    coalesce(trials.country_code, approved.country_code) AS country_code,
    coalesce(trials.country, approved.country) AS country,
    coalesce(trials.region, approved.region) AS region,
    coalesce(trials.start_year, approved.start_year) AS start_year,
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
    ON approved.country_code = trials.country_code
    AND approved.start_year IS NOT DISTINCT FROM trials.start_year
    AND approved.modality = trials.modality
ORDER BY country_code, start_year, modality
