-- Grain: one row per trial, with the derived fields every mart uses.
-- Columns:
--   *: as in trials
--   start_year: year of `start_date` (INTEGER); NULL when not given
--   is_active: status is `RECRUITING`, `NOT_YET_RECRUITING`, `ACTIVE_NOT_RECRUITING` or `ENROLLING_BY_INVITATION`
--   is_industry_led: `lead_sponsor_class = 'INDUSTRY'`
SELECT
    trials.*,
    try_cast(left(start_date, 4) AS INTEGER) AS start_year,
    overall_status IN (
        'RECRUITING', 'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING', 'ENROLLING_BY_INVITATION'
    ) AS is_active,
    lead_sponsor_class = 'INDUSTRY' AS is_industry_led
FROM trials
