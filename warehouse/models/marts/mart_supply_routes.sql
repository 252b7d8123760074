-- Grain: one row per approval_region x manufacturing_region: how many approved CGT products that patients in
-- approval_region can receive (product_first_approvals: the product is approved by an agency there) are made in
-- manufacturing_region (manufacturing_sites: a site making it, i.e. any role but testing and batch release).
-- A product made in two regions counts on both routes; manufacturing_region NULL: no manufacturing site of the
-- product is known (docs/sources.md says which), so no product is dropped. is_cross_region: made outside the
-- region where patients receive it. per_patient_products: of those, products made per patient (the autologous
-- model, product_manufacturing), whose cells travel from the patient to the site and back.
-- Columns:
--   approval_region: a region where an agency approved the product (`product_first_approvals`): patients there can
--     receive it
--   manufacturing_region: a region where `manufacturing_sites` lists a site making it (any role but `testing` and
--     `batch_release`); NULL: no site of the product is known
--   is_cross_region: made outside the approval region (false on NULL rows)
--   products: approved CGT products on this route (a product made in two regions is on both routes)
--   per_patient_products: of those, products made per patient (`product_manufacturing.is_per_patient`)
--   product_names: their `display_name`s, ` | `-joined in order
WITH approved AS (
    SELECT DISTINCT product_id, region AS approval_region FROM product_first_approvals
),
made AS (
    SELECT DISTINCT product_id, region AS manufacturing_region
    FROM manufacturing_sites
    WHERE "role" NOT IN ('testing', 'batch_release')
),
routes AS (
    SELECT approved.product_id, approved.approval_region, made.manufacturing_region
    FROM approved
    JOIN product_manufacturing AS products USING (product_id)
    LEFT JOIN made USING (product_id)
)
SELECT
    routes.approval_region,
    routes.manufacturing_region,
    routes.manufacturing_region IS DISTINCT FROM routes.approval_region AND routes.manufacturing_region IS NOT NULL
        AS is_cross_region,
    count(DISTINCT routes.product_id) AS products,
    count(DISTINCT routes.product_id) FILTER (WHERE products.is_per_patient) AS per_patient_products,
    string_agg(DISTINCT products.display_name, ' | ' ORDER BY products.display_name) AS product_names
FROM routes
JOIN product_manufacturing AS products USING (product_id)
GROUP BY routes.approval_region, routes.manufacturing_region
ORDER BY routes.approval_region, routes.manufacturing_region NULLS LAST
