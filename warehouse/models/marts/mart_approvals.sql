-- Grain: one row per region x approval year (NULL: no agency there published a date): the CGT
-- products (products.is_cgt) first approved in that region that year, each counted once, in the region of every
-- agency that approved it. A product's first approval in a region is its earliest dated approval there
-- (two agencies on the same date: the first by name).
-- Columns:
--   region: the region of the approving agency
--   approval_year: the year of the product's first dated approval in the region (NULL: no agency there published a
--     date)
--   approval_year_start: 1 January of `approval_year` as a DATE (a time axis for BI tools)
--   new_products: products whose earliest dated approval in that region fell in that year
--   agencies: the agencies that approved them there, `, `-joined
--   product_names: their `display_name`s, `; `-joined in order
WITH firsts AS (
    SELECT matches.product_id, decisions.region,
        arg_min(decisions.decision_year, (decisions.decision_date_low, decisions.decision_year))
            FILTER (WHERE decisions.decision_date_low IS NOT NULL) AS approval_year,
        coalesce(
            arg_min(decisions.agency, (decisions.decision_date_low, decisions.agency))
                FILTER (WHERE decisions.decision_date_low IS NOT NULL),
            min(decisions.agency)
        ) AS agency
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
    JOIN products USING (product_id)
    WHERE decisions.record_kind = 'approval' AND products.is_cgt
    GROUP BY matches.product_id, decisions.region
)
SELECT
    firsts.region,
    firsts.approval_year,
    make_date(firsts.approval_year, 1, 1) AS approval_year_start,
    count(*) AS new_products,
    string_agg(DISTINCT firsts.agency, ', ' ORDER BY firsts.agency) AS agencies,
    string_agg(products.display_name, '; ' ORDER BY products.display_name) AS product_names
FROM firsts
JOIN products USING (product_id)
GROUP BY firsts.region, firsts.approval_year
ORDER BY firsts.region, firsts.approval_year
