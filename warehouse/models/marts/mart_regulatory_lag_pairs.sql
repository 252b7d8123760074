-- Grain: one row per pair of agencies (agency_a before agency_b by name) that approved at least one
-- product in common or either alone. products_both: products both approved with dates known to the
-- day; the lag is signed, agency_b's date minus agency_a's (negative = agency_b approved first), as a
-- median and quartiles over those products. only_a / only_b: products one of the two approved and the
-- other did not (any date), so a pair's coverage is never read from its lags alone. The median and
-- quartiles are over products_both products and cannot be averaged across pairs: recompute them from
-- mart_regulatory_lag_by_agency. products_both_months and median_lag_months do the same over products both dates of
-- which are known at least to the month (in calendar months), so month-precise approvals count too.
-- Columns:
--   agency_a, agency_b: the pair, `agency_a` before `agency_b` by name
--   approved_by_both: products both approved
--   products_both: of those, with both dates known to the day
--   median_lag_days, q1_lag_days, q3_lag_days: signed, agency_b's date minus agency_a's, over `products_both` products
--     (cannot be averaged across pairs)
--   a_first: products agency_a approved first
--   b_first: products agency_b approved first
--   only_a: products agency_a approved and agency_b did not
--   only_b: products agency_b approved and agency_a did not
--   products_both_months: products both approved with dates known at least to the month
--   median_lag_months: signed calendar months, agency_b's date minus agency_a's, over `products_both_months` products
WITH approved AS (
    SELECT DISTINCT product_id, agency, approval_date, is_day_precise, approval_day, approval_date_precision
    FROM mart_regulatory_lag_by_agency
),
agencies AS (
    SELECT DISTINCT agency FROM approved
),
pairs AS (
    SELECT a.agency AS agency_a, b.agency AS agency_b
    FROM agencies AS a JOIN agencies AS b ON a.agency < b.agency
),
both_dated AS (
    SELECT pairs.agency_a, pairs.agency_b,
        date_diff('day', a.approval_date::DATE, b.approval_date::DATE) AS lag_days
    FROM pairs
    JOIN approved AS a ON a.agency = pairs.agency_a AND a.is_day_precise
    JOIN approved AS b ON b.agency = pairs.agency_b AND b.is_day_precise AND b.product_id = a.product_id
),
both_months AS (
    SELECT pairs.agency_a, pairs.agency_b,
        count(*) AS products_both_months,
        quantile_cont(date_diff('month', a.approval_day, b.approval_day), 0.5) AS median_lag_months
    FROM pairs
    JOIN approved AS a ON a.agency = pairs.agency_a AND a.approval_date_precision IN ('day', 'month')
    JOIN approved AS b ON b.agency = pairs.agency_b AND b.approval_date_precision IN ('day', 'month')
        AND b.product_id = a.product_id
    GROUP BY pairs.agency_a, pairs.agency_b
),
coverage AS (
    SELECT pairs.agency_a, pairs.agency_b,
        count(DISTINCT a.product_id) FILTER (WHERE b.product_id IS NULL) AS only_a
    FROM pairs
    JOIN approved AS a ON a.agency = pairs.agency_a
    LEFT JOIN approved AS b ON b.agency = pairs.agency_b AND b.product_id = a.product_id
    GROUP BY pairs.agency_a, pairs.agency_b
),
coverage_b AS (
    SELECT pairs.agency_a, pairs.agency_b,
        count(DISTINCT b.product_id) FILTER (WHERE a.product_id IS NULL) AS only_b,
        count(DISTINCT b.product_id) FILTER (WHERE a.product_id IS NOT NULL) AS approved_by_both
    FROM pairs
    JOIN approved AS b ON b.agency = pairs.agency_b
    LEFT JOIN approved AS a ON a.agency = pairs.agency_a AND a.product_id = b.product_id
    GROUP BY pairs.agency_a, pairs.agency_b
),
lags AS (
    SELECT agency_a, agency_b,
        count(*) AS products_both,
        quantile_cont(lag_days, 0.5) AS median_lag_days,
        quantile_cont(lag_days, 0.25) AS q1_lag_days,
        quantile_cont(lag_days, 0.75) AS q3_lag_days,
        count(*) FILTER (WHERE lag_days < 0) AS b_first,
        count(*) FILTER (WHERE lag_days > 0) AS a_first
    FROM both_dated
    GROUP BY agency_a, agency_b
)
SELECT
    pairs.agency_a,
    pairs.agency_b,
    coalesce(coverage_b.approved_by_both, 0) AS approved_by_both,
    coalesce(lags.products_both, 0) AS products_both,
    lags.median_lag_days,
    lags.q1_lag_days,
    lags.q3_lag_days,
    coalesce(lags.a_first, 0) AS a_first,
    coalesce(lags.b_first, 0) AS b_first,
    coalesce(coverage.only_a, 0) AS only_a,
    coalesce(coverage_b.only_b, 0) AS only_b,
    coalesce(both_months.products_both_months, 0) AS products_both_months,
    both_months.median_lag_months
FROM pairs
LEFT JOIN lags USING (agency_a, agency_b)
LEFT JOIN coverage USING (agency_a, agency_b)
LEFT JOIN coverage_b USING (agency_a, agency_b)
LEFT JOIN both_months USING (agency_a, agency_b)
ORDER BY pairs.agency_a, pairs.agency_b
