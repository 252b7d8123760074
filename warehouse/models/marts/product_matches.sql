-- Grain: one row per agency decision (approval or application not granted), with the product it
-- belongs to and why. A decision joins a product on a specific substance key: first one that another
-- agency's decision of the same brand shares (the brand and the substance agree), then the most shared
-- (ties: active substance before common name); with none, on its normalised brand name. A decision whose
-- brand another agency approved under a longer description of the same substance ("autologous cultured
-- chondrocytes" beside "autologous cultured chondrocytes on porcine collagen membrane", both MACI) may take
-- that description's key, so a generic substance shared with another brand (Carticel) does not pull it away.
-- Unsure cases are listed in the review mart, never merged by guess.
-- Columns:
--   record_id: the decision
--   approval_id: its approval; NULL for applications not granted
--   record_kind: `approval` or `application_not_granted`
--   product_id: the product it belongs to (its `product_id`)
--   product_key: that product's key
--   matched_on: `active_substance`, `common_name`, `active_substance_in_brackets`, `active_substance_latin_inn`,
--     `brand_and_substance` (the key of another agency's decision of the same brand, whose substance contains
--     this decision's) or `brand_name`
--   evidence: the published name, its key, and how many agencies name it
WITH candidates AS (
    SELECT record_id, agency, brand_key, priority, field, name, name_key, agencies,
        format('{} "{}" normalises to "{}", named by {} agenc{}', field, name, name_key, agencies,
            CASE WHEN agencies = 1 THEN 'y' ELSE 'ies' END) AS evidence
    FROM stg_product_candidates
    WHERE NOT is_generic
),
-- The same brand at another agency, with a substance that contains all the words of one of this decision's.
refined AS (
    SELECT DISTINCT ON (own.record_id, other.name_key)
        own.record_id, own.agency, own.brand_key, 5 AS priority, 'brand_and_substance' AS field, other.name,
        other.name_key, other.agencies,
        format('brand "{}" at {} and {}; {} "{}" is a fuller description of {} "{}"', own.brand_key, own.agency,
            other.agency, other.field, other.name, own.field, own.name) AS evidence
    FROM candidates AS own
    JOIN candidates AS other
        ON other.brand_key = own.brand_key AND other.agency <> own.agency AND other.name_key <> own.name_key
        AND list_has_all(string_split(other.name_key, ' '), string_split(own.name_key, ' '))
    ORDER BY own.record_id, other.name_key, own.priority
),
options AS (
    SELECT *,
        EXISTS (
            SELECT 1 FROM candidates AS other
            WHERE other.name_key = options.name_key AND other.brand_key = options.brand_key
                AND other.agency <> options.agency
        ) OR field = 'brand_and_substance' AS brand_agrees
    FROM (SELECT * FROM candidates UNION ALL SELECT * FROM refined) AS options
),
ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY record_id ORDER BY brand_agrees DESC, agencies DESC, priority, name_key
        ) AS choice
    FROM options
),
chosen AS (
    SELECT record_id, 'substance:' || name_key AS product_key, field AS matched_on, evidence
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
