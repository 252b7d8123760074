-- Grain: one row per CGT product (products.is_cgt) x agency that approved it. days_after_first: days after the product's
-- first dated approval anywhere (0 for the first agency; NULL when no other agency has a dated
-- approval, or a date is not known to the day). days_vs_fda: signed days against FDA's approval of
-- the same product (negative = approved before FDA; NULL for FDA itself or without both dates to the
-- day). Ties on a date: the day-precise date first, then by value (the rule of the lag mart). Where a date is known
-- only to the month, lags are in months (months_after_first, months_vs_fda: filled when both dates are known at least
-- to the month), and lag_precision says which.
-- Columns:
--   product_id: the product
--   display_name: as in `products`
--   agency: the approving agency
--   approval_date: its original approval date
--   is_day_precise: the date is known to the day
--   first_agency: the agency of the product's first dated approval anywhere
--   days_after_first: 0 for the first agency; NULL when no other agency has a dated approval or a date is not known to
--     the day
--   days_vs_fda: signed: the agency's date minus FDA's, negative = before FDA; NULL for FDA itself or without both dates
--     to the day
--   source_kind: fetched, scraped or curated: where the agency's row came from
--   approval_day: `approval_date` as a DATE: the first day it can mean when only a month or year is known
--   approval_date_precision: `day`, `month` or `year`
--   months_after_first: calendar months after the product's first dated approval anywhere, when both dates are known at
--     least to the month (NULL as for `days_after_first` otherwise)
--   months_vs_fda: signed calendar months against FDA's approval, when both dates are known at least to the month
--   lag_precision: `day` when the day lags are filled, `month` when only the month lags are, NULL when neither
WITH approved AS (
    SELECT matches.product_id, decisions.agency,
        coalesce(
            arg_min(decisions.decision_date,
                (decisions.decision_date_low, NOT decisions.is_day_precise, decisions.decision_date))
                FILTER (WHERE decisions.decision_date_low IS NOT NULL),
            min(decisions.decision_date)
        ) AS approval_date,
        min(decisions.decision_date_low) AS date_low,
        coalesce(
            arg_min(decisions.is_day_precise,
                (decisions.decision_date_low, NOT decisions.is_day_precise, decisions.decision_date))
                FILTER (WHERE decisions.decision_date_low IS NOT NULL),
            false
        ) AS is_day_precise,
        coalesce(
            arg_min(decisions.decision_date_precision,
                (decisions.decision_date_low, NOT decisions.is_day_precise, decisions.decision_date))
                FILTER (WHERE decisions.decision_date_low IS NOT NULL),
            'unknown'
        ) AS date_precision,
        string_agg(DISTINCT decisions.source_kind, ', ' ORDER BY decisions.source_kind) AS source_kind
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
    WHERE decisions.record_kind = 'approval'
    GROUP BY matches.product_id, decisions.agency
),
firsts AS (
    SELECT product_id,
        arg_min(agency, (date_low, NOT is_day_precise, agency)) AS first_agency,
        min(date_low) AS first_low,
        arg_min(is_day_precise, (date_low, NOT is_day_precise, agency)) AS first_is_day_precise,
        arg_min(date_precision, (date_low, NOT is_day_precise, agency)) AS first_precision,
        count(*) AS dated_agencies
    FROM approved
    WHERE date_low IS NOT NULL
    GROUP BY product_id
),
lags AS (
    SELECT approved.*, firsts.first_agency,
        CASE WHEN firsts.dated_agencies > 1 AND approved.is_day_precise AND firsts.first_is_day_precise
            THEN date_diff('day', firsts.first_low, approved.date_low) END AS days_after_first,
        CASE WHEN approved.agency <> 'FDA' AND approved.is_day_precise AND fda.is_day_precise
            THEN date_diff('day', fda.date_low, approved.date_low) END AS days_vs_fda,
        CASE WHEN firsts.dated_agencies > 1 AND approved.date_precision IN ('day', 'month')
                AND firsts.first_precision IN ('day', 'month')
            THEN date_diff('month', firsts.first_low, approved.date_low) END AS months_after_first,
        CASE WHEN approved.agency <> 'FDA' AND approved.date_precision IN ('day', 'month')
                AND fda.date_precision IN ('day', 'month')
            THEN date_diff('month', fda.date_low, approved.date_low) END AS months_vs_fda
    FROM approved
    LEFT JOIN firsts USING (product_id)
    LEFT JOIN approved AS fda ON fda.product_id = approved.product_id AND fda.agency = 'FDA'
)
SELECT
    lags.product_id,
    products.display_name,
    lags.agency,
    lags.approval_date,
    lags.is_day_precise,
    lags.first_agency,
    lags.days_after_first,
    lags.days_vs_fda,
    lags.source_kind,
    lags.date_low AS approval_day,
    nullif(lags.date_precision, 'unknown') AS approval_date_precision,
    lags.months_after_first,
    lags.months_vs_fda,
    CASE WHEN lags.days_after_first IS NOT NULL OR lags.days_vs_fda IS NOT NULL THEN 'day'
        WHEN lags.months_after_first IS NOT NULL OR lags.months_vs_fda IS NOT NULL THEN 'month' END AS lag_precision
FROM lags
JOIN products USING (product_id)
WHERE products.is_cgt
ORDER BY lags.product_id, lags.date_low NULLS LAST, lags.agency
