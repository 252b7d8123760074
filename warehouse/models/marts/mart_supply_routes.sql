-- Grain: one row per approval_region x manufacturing_region: how many approved CGT products that patients in
-- approval_region can receive are made in manufacturing_region, counting only the routes a document states or a
-- site's role implies (product_supply_routes: a making site, any role but testing and batch release, that
-- supplies a market of the region). A product is never put on a route because it is approved in one region and
-- has a site in another: Kymriah's Kobe site supplies Japan, not Europe. manufacturing_region NULL: products
-- approved in the region that no known making site is stated to supply (no site known, or sites known whose
-- markets no page states: products_with_sites counts these), so no product is dropped. A product made in two
-- regions counts on both routes. A route whose authorisations in the region were all withdrawn or expired is
-- ended (ended_products) at its end date (product_supply_routes.route_ended_on); current_products are the rest.
-- Columns:
--   approval_region: a region where an agency approved the product: patients there can receive it
--   manufacturing_region: a region with a making site that supplies the approval region (stated or implied);
--     NULL: not stated
--   is_cross_region: made outside the approval region (false on NULL rows)
--   products: approved CGT products on this route, current or ended (a product made in two regions is on both)
--   current_products: of those, with a current authorisation in the approval region
--   ended_products: of those, whose every authorisation in the approval region was withdrawn or expired
--   stated_products: products on this route by a document's statement (`route_basis` `stated`)
--   implied_products: products on it only by a site's role or a sole market (`implied by role`, `only market`)
--   products_with_sites: on the NULL row: of the products, those with a known site whose markets no page states;
--     NULL on other rows
--   per_patient_products: of `products`, products made per patient (`product_manufacturing.is_per_patient`)
--   product_names: their `display_name`s, ` | `-joined in order
WITH made AS (
    SELECT product_id, approval_region, manufacturing_region, is_current, route_basis, is_per_patient, display_name
    FROM product_supply_routes
    WHERE makes
),
not_stated AS (
    SELECT routes.product_id, routes.approval_region, NULL AS manufacturing_region, routes.is_current,
        'not stated' AS route_basis, routes.is_per_patient, routes.display_name
    FROM product_supply_routes AS routes
    WHERE NOT EXISTS (
        SELECT 1 FROM made
        WHERE made.product_id = routes.product_id AND made.approval_region = routes.approval_region
    )
),
routes AS (
    SELECT * FROM made
    UNION ALL
    SELECT * FROM not_stated
),
per_product AS (
    SELECT approval_region, manufacturing_region, product_id, min(display_name) AS display_name,
        bool_or(is_current) AS is_current, bool_or(route_basis = 'stated') AS is_stated,
        bool_or(is_per_patient) AS is_per_patient
    FROM routes
    GROUP BY approval_region, manufacturing_region, product_id
),
sited AS (
    SELECT DISTINCT product_id FROM manufacturing_sites
)
SELECT
    per_product.approval_region,
    per_product.manufacturing_region,
    per_product.manufacturing_region IS DISTINCT FROM per_product.approval_region
        AND per_product.manufacturing_region IS NOT NULL AS is_cross_region,
    count(*) AS products,
    count(*) FILTER (WHERE per_product.is_current) AS current_products,
    count(*) FILTER (WHERE NOT per_product.is_current) AS ended_products,
    count(*) FILTER (WHERE per_product.is_stated) AS stated_products,
    count(*) FILTER (WHERE NOT per_product.is_stated AND per_product.manufacturing_region IS NOT NULL)
        AS implied_products,
    CASE WHEN per_product.manufacturing_region IS NULL
        THEN count(sited.product_id) END AS products_with_sites,
    count(*) FILTER (WHERE per_product.is_per_patient) AS per_patient_products,
    string_agg(per_product.display_name, ' | ' ORDER BY per_product.display_name) AS product_names
FROM per_product
LEFT JOIN sited USING (product_id)
GROUP BY per_product.approval_region, per_product.manufacturing_region
ORDER BY per_product.approval_region, per_product.manufacturing_region NULLS LAST
