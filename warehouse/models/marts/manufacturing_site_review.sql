-- Grain: one row per curated manufacturing-site row that is not published: it matched no product,
-- two or more (candidate_product_ids), or repeats a published product x site x role under another
-- spelling. reason says which and evidence what the lookup found; fix the seed row's brand_name or
-- active_substance (or the approvals) until this is empty.
-- Columns:
--   *: as in manufacturing_site_matches
--   reason: `unmatched`, `ambiguous` or `duplicate`
SELECT
    site_row_id, brand_name, active_substance, site_name, "role", country_code, match_status AS reason,
    candidate_product_ids, evidence, source_url
FROM manufacturing_site_matches
WHERE match_status <> 'matched'
ORDER BY reason, brand_name, site_name, "role"
