-- Grain: one row per decision x reason the matcher is unsure of it. Nothing listed here was merged
-- by guess: each decision stays with the product its evidence supports until someone decides.
--   generic_substance: its substance names several brands within one agency, so it matched on brand
--   split_keys: another of its substance keys is what a different product was matched on
--   brand_elsewhere: its brand name is also a brand of a different product
-- Columns:
--   record_id: the decision
--   agency: its agency
--   brand_name: its brand
--   substance: its common name, else active substance
--   product_id: the product it was matched to
--   reason: `generic_substance`: matched on brand because its substance names several brands in one agency;
--     `split_keys`: another of its names is the key of a different product; `brand_elsewhere`: its brand names a
--     different product
--   detail: what was found, in words
WITH matched AS (
    SELECT matches.*, decisions.agency, decisions.brand_name, decisions.brand_key,
        coalesce(decisions.common_name, decisions.active_substance) AS substance
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
),
generic AS (
    SELECT DISTINCT matched.record_id, 'generic_substance' AS reason,
        format('"{}" names more than one {} brand', candidates.name, matched.agency) AS detail
    FROM matched
    JOIN stg_product_candidates AS candidates USING (record_id)
    WHERE candidates.is_generic AND matched.matched_on = 'brand_name'
),
split_keys AS (
    SELECT DISTINCT matched.record_id, 'split_keys' AS reason,
        format('its {} "{}" is the key of product {}', candidates.field, candidates.name, other.product_id)
            AS detail
    FROM matched
    JOIN stg_product_candidates AS candidates USING (record_id)
    JOIN (SELECT DISTINCT product_id, product_key FROM product_matches) AS other
        ON other.product_key = 'substance:' || candidates.name_key AND other.product_id <> matched.product_id
),
brand_elsewhere AS (
    SELECT DISTINCT matched.record_id, 'brand_elsewhere' AS reason,
        format('brand "{}" also names product {} ({})', matched.brand_name, other.product_id, other.agency)
            AS detail
    FROM matched
    JOIN matched AS other ON other.brand_key = matched.brand_key AND other.product_id <> matched.product_id
)
SELECT matched.record_id, matched.agency, matched.brand_name, matched.substance, matched.product_id,
    review.reason, review.detail
FROM (SELECT * FROM generic UNION ALL SELECT * FROM split_keys UNION ALL SELECT * FROM brand_elsewhere)
    AS review
JOIN matched USING (record_id)
ORDER BY review.reason, matched.agency, matched.brand_name, matched.record_id, review.detail
