-- Grain: one row per CGT product (products.is_cgt) that at least one agency approved or refused. first_agency and
-- first_date: its earliest dated approval anywhere, across every agency. For FDA, EMA and PMDA: the
-- original approval date, the lag in days after the first (NULL unless both dates are known to the
-- day, and NULL when no other agency has a dated approval: a product one agency approved was not
-- "approved there first with lag 0"), and any application that agency refused or saw withdrawn; other
-- agencies are listed in other_approvals. Signed lags per agency (against FDA too) are in
-- mart_regulatory_lag_by_agency, pair summaries in mart_regulatory_lag_pairs.
-- Where a date is known only to the month, the lag is given in months instead (fda_lag_months, ...: filled when both
-- dates are known at least to the month), so a month-precise approval still has a lag, said to be in months.
-- Ties on a date are broken the same way everywhere: the day-precise date first, then by value (or
-- agency name), so the date, its precision and its agency always come from one row.
-- Columns:
--   product_id: the product
--   canonical_name, brand_names: as in `products`
--   first_agency: the agency of its earliest dated approval anywhere
--   first_date: that approval's date
--   fda_approval_date, ema_approval_date, pmda_approval_date: the agency's original approval date
--   fda_lag_days, ema_lag_days, pmda_lag_days: days after the first approval (NULL unless both dates are known to the
--     day, and when no other agency has a dated approval: it was not "approved there first with lag 0")
--   fda_source_kind: fetched, scraped or curated: where the FDA row came from
--   fda_not_granted, ema_not_granted, pmda_not_granted: the agency's refusal or withdrawn application (decision), if
--     any
--   fda_not_granted_date, ema_not_granted_date, pmda_not_granted_date: its date
--   other_approvals: other agencies as `AGENCY date (+N days)`
--   display_name: as in `products`
--   approving_agencies: how many agencies approved it
--   first_day: `first_date` as a DATE: the first day it can mean when only a month or year is known
--   first_date_precision: `day`, `month` or `year`
--   fda_lag_months, ema_lag_months, pmda_lag_months: calendar months after the first approval, when both dates are known
--     at least to the month (NULL when no other agency has a dated approval)
WITH decisions AS (
    SELECT matches.product_id, decisions.*
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
),
approved AS (
    SELECT product_id, agency,
        coalesce(
            arg_min(decision_date, (decision_date_low, NOT is_day_precise, decision_date))
                FILTER (WHERE decision_date_low IS NOT NULL),
            min(decision_date)
        ) AS approval_date,
        min(decision_date_low) AS date_low,
        coalesce(
            arg_min(is_day_precise, (decision_date_low, NOT is_day_precise, decision_date))
                FILTER (WHERE decision_date_low IS NOT NULL),
            false
        ) AS is_day_precise,
        arg_min(decision_date_precision, (decision_date_low, NOT is_day_precise, decision_date))
            FILTER (WHERE decision_date_low IS NOT NULL) AS date_precision,
        string_agg(DISTINCT source_kind, ', ' ORDER BY source_kind) AS source_kind
    FROM decisions
    WHERE record_kind = 'approval'
    GROUP BY product_id, agency
),
not_granted AS (
    SELECT product_id, agency, string_agg(status, ', ' ORDER BY decision_date, status) AS decision,
        max(decision_date) AS decision_date
    FROM decisions
    WHERE record_kind = 'application_not_granted'
    GROUP BY product_id, agency
),
firsts AS (
    SELECT product_id,
        arg_min(agency, (date_low, NOT is_day_precise, agency)) AS first_agency,
        arg_min(approval_date, (date_low, NOT is_day_precise, agency)) AS first_date,
        min(date_low) AS first_low,
        arg_min(is_day_precise, (date_low, NOT is_day_precise, agency)) AS first_is_day_precise,
        arg_min(date_precision, (date_low, NOT is_day_precise, agency)) AS first_precision,
        count(*) AS dated_agencies
    FROM approved
    WHERE date_low IS NOT NULL
    GROUP BY product_id
),
lagged AS (
    SELECT approved.*,
        CASE WHEN approved.is_day_precise AND firsts.first_is_day_precise AND firsts.dated_agencies > 1
            THEN date_diff('day', firsts.first_low, approved.date_low) END AS lag_days,
        CASE WHEN approved.date_precision IN ('day', 'month') AND firsts.first_precision IN ('day', 'month')
                AND firsts.dated_agencies > 1
            THEN date_diff('month', firsts.first_low, approved.date_low) END AS lag_months
    FROM approved
    LEFT JOIN firsts USING (product_id)
)
SELECT
    products.product_id,
    products.canonical_name,
    products.brand_names,
    firsts.first_agency,
    firsts.first_date,
    fda.approval_date AS fda_approval_date,
    fda.lag_days AS fda_lag_days,
    fda.source_kind AS fda_source_kind,
    fda_ng.decision AS fda_not_granted,
    fda_ng.decision_date AS fda_not_granted_date,
    ema.approval_date AS ema_approval_date,
    ema.lag_days AS ema_lag_days,
    ema_ng.decision AS ema_not_granted,
    ema_ng.decision_date AS ema_not_granted_date,
    pmda.approval_date AS pmda_approval_date,
    pmda.lag_days AS pmda_lag_days,
    pmda_ng.decision AS pmda_not_granted,
    pmda_ng.decision_date AS pmda_not_granted_date,
    (
        SELECT string_agg(
            other.agency || ' ' || coalesce(other.approval_date, 'date unknown')
                || coalesce(' (+' || other.lag_days || ' days)', ''),
            '; ' ORDER BY other.date_low, other.agency)
        FROM lagged AS other
        WHERE other.product_id = products.product_id AND other.agency NOT IN ('FDA', 'EMA', 'PMDA')
    ) AS other_approvals,
    products.display_name,
    (SELECT count(*) FROM approved AS any_agency WHERE any_agency.product_id = products.product_id)
        AS approving_agencies,
    firsts.first_low AS first_day,
    firsts.first_precision AS first_date_precision,
    fda.lag_months AS fda_lag_months,
    ema.lag_months AS ema_lag_months,
    pmda.lag_months AS pmda_lag_months
FROM products
LEFT JOIN firsts USING (product_id)
LEFT JOIN lagged AS fda ON fda.product_id = products.product_id AND fda.agency = 'FDA'
LEFT JOIN lagged AS ema ON ema.product_id = products.product_id AND ema.agency = 'EMA'
LEFT JOIN lagged AS pmda ON pmda.product_id = products.product_id AND pmda.agency = 'PMDA'
LEFT JOIN not_granted AS fda_ng ON fda_ng.product_id = products.product_id AND fda_ng.agency = 'FDA'
LEFT JOIN not_granted AS ema_ng ON ema_ng.product_id = products.product_id AND ema_ng.agency = 'EMA'
LEFT JOIN not_granted AS pmda_ng ON pmda_ng.product_id = products.product_id AND pmda_ng.agency = 'PMDA'
WHERE products.is_cgt
ORDER BY firsts.first_low NULLS LAST, products.canonical_name, products.product_id
