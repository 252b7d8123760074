-- Grain: one row per product x site x role: where an approved CGT product is made, tested or released,
-- as a public page states it. The curated rows that manufacturing_site_matches joined to exactly one
-- product, with that product's display_name and the region of the site's country (seeds/countries.csv).
-- as_of: the year the source page states the fact. Rows that matched no product or two are in
-- manufacturing_site_review, not here.
-- Columns:
--   *: as in curated_manufacturing_sites
--   product_id: the product (joins `products`)
--   display_name: the product's `display_name`
--   region: region of `country_code` (`seeds/countries.csv`)
--   as_of: the page's year (INTEGER): a site can have closed or changed hands since
--   match_evidence: how the row was matched to its product
SELECT
    matched.product_id,
    products.display_name,
    matched.brand_name,
    matched.active_substance,
    matched.site_name,
    matched.site_operator,
    matched."role",
    matched.city,
    matched.country_code,
    countries.region,
    matched.supplies,
    matched.source_url,
    matched.note,
    matched.quote,
    matched.as_of::INTEGER AS as_of,
    matched.site_row_id,
    matched.evidence AS match_evidence
FROM manufacturing_site_matches AS matched
JOIN products USING (product_id)
LEFT JOIN countries USING (country_code)
WHERE matched.match_status = 'matched'
ORDER BY products.display_name, countries.region, matched.country_code, matched.site_name, matched."role"
