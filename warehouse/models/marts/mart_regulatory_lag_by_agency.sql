-- Grain: one row per CGT product (products.is_cgt) x agency that approved it. days_after_first: days after the product's
-- first dated approval anywhere (0 for the first agency; NULL when no other agency has a dated
-- approval, or a date is not known to the day). days_vs_fda: signed days against FDA's approval of
-- the same product (negative = approved before FDA; NULL for FDA itself or without both dates to the
-- day). Ties on a date: the day-precise date first, then by value (the rule of the lag mart).
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
        count(*) AS dated_agencies
    FROM approved
    WHERE date_low IS NOT NULL
    GROUP BY product_id
)
SELECT
    approved.product_id,
    products.display_name,
    approved.agency,
    approved.approval_date,
    approved.is_day_precise,
    firsts.first_agency,
    CASE WHEN firsts.dated_agencies > 1 AND approved.is_day_precise AND firsts.first_is_day_precise
        THEN date_diff('day', firsts.first_low, approved.date_low) END AS days_after_first,
    CASE WHEN approved.agency <> 'FDA' AND approved.is_day_precise AND fda.is_day_precise
        THEN date_diff('day', fda.date_low, approved.date_low) END AS days_vs_fda,
    approved.source_kind
FROM approved
JOIN products USING (product_id)
LEFT JOIN firsts USING (product_id)
LEFT JOIN approved AS fda ON fda.product_id = approved.product_id AND fda.agency = 'FDA'
WHERE products.is_cgt
ORDER BY approved.product_id, approved.date_low NULLS LAST, approved.agency
