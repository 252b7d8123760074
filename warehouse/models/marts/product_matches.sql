-- Grain: one row per agency decision (approval or application not granted), with the product it
-- belongs to and why. A decision joins a product on its most shared specific substance key (ties:
-- active substance before common name); with none, on its normalised brand name. Unsure cases are
-- listed in the review mart, never merged by guess.
-- Columns:
--   record_id: the decision
--   approval_id: its approval; NULL for applications not granted
--   record_kind: `approval` or `application_not_granted`
--   product_id: the product it belongs to (its `product_id`)
--   product_key: that product's key
--   matched_on: `active_substance`, `common_name`, `active_substance_in_brackets` or `brand_name`
--   evidence: the published name, its key, and how many agencies name it
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY record_id ORDER BY agencies DESC, priority, name_key
    ) AS choice
    FROM stg_product_candidates
    WHERE NOT is_generic
),
chosen AS (
    SELECT record_id, 'substance:' || name_key AS product_key, field AS matched_on,
        format('{} "{}" normalises to "{}", named by {} agenc{}', field, name, name_key, agencies,
            CASE WHEN agencies = 1 THEN 'y' ELSE 'ies' END) AS evidence
    FROM ranked
    WHERE choice = 1
)
SELECT
    decisions.record_id,
    CASE WHEN decisions.record_kind = 'approval' THEN decisions.record_id END AS approval_id,
    decisions.record_kind,
    'p' || left(md5(coalesce(chosen.product_key, 'brand:' || decisions.brand_key)), 12) AS product_id,
    coalesce(chosen.product_key, 'brand:' || decisions.brand_key) AS product_key,
    coalesce(chosen.matched_on, 'brand_name') AS matched_on,
    coalesce(
        chosen.evidence,
        format('brand "{}" normalises to "{}"; no substance key tells this product apart',
            decisions.brand_name, decisions.brand_key)
    ) AS evidence
FROM stg_regulatory_decisions AS decisions
LEFT JOIN chosen USING (record_id)
WHERE chosen.product_key IS NOT NULL OR decisions.brand_key IS NOT NULL
ORDER BY decisions.record_id
