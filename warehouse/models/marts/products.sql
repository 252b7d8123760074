-- Grain: one row per product across agencies (decisions product_matches puts together).
-- canonical_name: the shortest published spelling of the substance key it was matched on (or of
-- its brand; two of the same length: the first by name); active_substance is NULL for products known
-- only by brand.
WITH matched AS (
    SELECT matches.product_id, matches.product_key, decisions.brand_name, decisions.agency,
        candidates.name AS key_name
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
    LEFT JOIN stg_product_candidates AS candidates
        ON candidates.record_id = matches.record_id
        AND 'substance:' || candidates.name_key = matches.product_key
)
SELECT
    product_id,
    min(product_key) AS product_key,
    coalesce(
        arg_min(lower(key_name), (length(key_name), lower(key_name))) FILTER (WHERE key_name IS NOT NULL),
        arg_min(brand_name, (length(brand_name), brand_name)) FILTER (WHERE brand_name IS NOT NULL)
    ) AS canonical_name,
    arg_min(lower(key_name), (length(key_name), lower(key_name))) FILTER (WHERE key_name IS NOT NULL)
        AS active_substance,
    string_agg(DISTINCT brand_name, '; ' ORDER BY brand_name) AS brand_names,
    string_agg(DISTINCT agency, ', ' ORDER BY agency) AS agencies,
    count(*) AS decisions
FROM matched
GROUP BY product_id
ORDER BY product_id
