-- Grain: one row per curated manufacturing-site row (curated_manufacturing_sites), with the product
-- its names point to. A row is looked up on the key of its active substance (normalised_name, the key
-- product matching uses; a key that names several brands within one agency is generic and skipped)
-- and on the key of its brand (normalised_brand), both against the agencies' decisions and the
-- product each decision was matched to. match_status: 'matched' when the two lookups together reach
-- exactly one product, or when several but only one is reached by both keys (the brand and the substance agree:
-- MACI's substance, autologous cultured chondrocytes, also names FDA's older Carticel); 'unmatched' when they reach none;
-- 'ambiguous' when they reach two or more
-- (candidate_product_ids lists them); 'duplicate' when another row gives the same product, site and
-- role under another spelling (kept: the row naming an active substance, then the shorter brand). Only 'matched' rows are published;
-- the others are listed for review, never dropped or guessed. evidence: which key reached which product.
-- Columns:
--   *: as in curated_manufacturing_sites
--   product_id: the product the row names, when `matched`; else NULL
--   match_status: `matched` (exactly one product), `unmatched` (none), `ambiguous` (two or more), `duplicate` (the
--     same product x site x role as another row under another spelling; kept: the row with an active substance,
--     then the shorter brand)
--   candidate_product_ids: the products the lookups reached
--   evidence: the key that reached each product
WITH seed AS (
    SELECT *, normalised_name(active_substance) AS substance_key, normalised_brand(brand_name) AS brand_key
    FROM curated_manufacturing_sites
),
hits AS (
    SELECT DISTINCT seed.site_row_id, matches.product_id, 'substance' AS key_kind,
        format('active substance key "{}"', seed.substance_key) AS reached_by
    FROM seed
    JOIN stg_product_candidates AS candidates
        ON candidates.name_key = seed.substance_key AND NOT candidates.is_generic
    JOIN product_matches AS matches ON matches.record_id = candidates.record_id
    UNION
    SELECT DISTINCT seed.site_row_id, matches.product_id, 'brand', format('brand key "{}"', seed.brand_key)
    FROM seed
    JOIN stg_regulatory_decisions AS decisions ON decisions.brand_key = seed.brand_key
    JOIN product_matches AS matches ON matches.record_id = decisions.record_id
),
per_row AS (
    SELECT site_row_id,
        list(DISTINCT product_id ORDER BY product_id) AS candidate_product_ids,
        list(DISTINCT product_id ORDER BY product_id) FILTER (WHERE both_keys) AS agreed_product_ids,
        string_agg(reached_by || ' -> ' || product_id, '; ' ORDER BY reached_by, product_id) AS evidence
    FROM (
        SELECT *, count(DISTINCT key_kind) OVER (PARTITION BY site_row_id, product_id) = 2 AS both_keys FROM hits
    )
    GROUP BY site_row_id
),
resolved AS (
    SELECT seed.*, per_row.candidate_product_ids, per_row.evidence,
        CASE
            WHEN len(per_row.candidate_product_ids) = 1 THEN per_row.candidate_product_ids[1]
            WHEN len(per_row.agreed_product_ids) = 1 THEN per_row.agreed_product_ids[1]
        END AS product_id,
        CASE
            WHEN coalesce(len(per_row.candidate_product_ids), 0) = 0 THEN 'unmatched'
            WHEN len(per_row.candidate_product_ids) = 1 OR len(per_row.agreed_product_ids) = 1 THEN 'matched'
            ELSE 'ambiguous'
        END AS lookup_status
    FROM seed
    LEFT JOIN per_row USING (site_row_id)
)
SELECT
    site_row_id, brand_name, active_substance, site_name, site_operator, "role", city, country_code,
    supplies, source_url, note, quote, as_of, product_id,
    CASE
        WHEN lookup_status = 'matched' AND row_number() OVER (
            PARTITION BY product_id, lower(site_name), "role"
            ORDER BY active_substance IS NULL, length(brand_name), site_row_id) > 1 THEN 'duplicate'
        ELSE lookup_status
    END AS match_status,
    candidate_product_ids,
    coalesce(evidence, format('neither active substance key "{}" nor brand key "{}" names an agency decision',
        substance_key, brand_key)) AS evidence
FROM resolved
ORDER BY site_row_id
