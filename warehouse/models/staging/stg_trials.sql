-- Grain: one row per trial, with the derived fields every mart uses. The registry dates are DATEs here (the
-- `trials` table keeps them as the registry wrote them): the first day the value can mean, with a `*_precision`
-- column saying whether the registry gave the day, only the month or only the year.
-- Columns:
--   *: as in trials
--   start_date: the start date as a DATE (a month or a year given alone: its first day); NULL when not given or not a
--     date
--   start_date_precision: `day`, `month` or `year`: how much of `start_date` the registry gave; NULL with it
--   primary_completion_date, completion_date, first_posted_date, last_update_date: as `start_date`
--   primary_completion_date_precision, completion_date_precision: as `start_date_precision`
--   first_posted_date_precision, last_update_date_precision: as `start_date_precision`
--   start_year: year of `start_date` (INTEGER); NULL when not given
--   is_active: status is `RECRUITING`, `NOT_YET_RECRUITING`, `ACTIVE_NOT_RECRUITING` or `ENROLLING_BY_INVITATION`
--   is_industry_led: `lead_sponsor_class = 'INDUSTRY'`
SELECT
    trials.* REPLACE (
        partial_date_low(trials.start_date) AS start_date,
        partial_date_low(trials.primary_completion_date) AS primary_completion_date,
        partial_date_low(trials.completion_date) AS completion_date,
        partial_date_low(trials.first_posted_date) AS first_posted_date,
        partial_date_low(trials.last_update_date) AS last_update_date
    ),
    partial_date_precision(trials.start_date) AS start_date_precision,
    partial_date_precision(trials.primary_completion_date) AS primary_completion_date_precision,
    partial_date_precision(trials.completion_date) AS completion_date_precision,
    partial_date_precision(trials.first_posted_date) AS first_posted_date_precision,
    partial_date_precision(trials.last_update_date) AS last_update_date_precision,
    year(partial_date_low(trials.start_date)) AS start_year,
    overall_status IN (
        'RECRUITING', 'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING', 'ENROLLING_BY_INVITATION'
    ) AS is_active,
    lead_sponsor_class = 'INDUSTRY' AS is_industry_led
FROM trials
