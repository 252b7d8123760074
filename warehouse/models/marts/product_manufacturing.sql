-- Grain: one row per approved CGT product (products.is_cgt). manufacturing_model: how it is made
-- (macro manufacturing_model over the product's modality and cell source, docs/manufacturing.md);
-- is_per_patient: one batch per patient ('unknown' where no approval gives the product a CGT modality). modality and cell_source are the product's (product_first_approvals,
-- the same for every jurisdiction); approval_regions: the regions where it is approved, in order.
-- Columns:
--   product_id: the product
--   display_name: its `display_name`
--   modality, cell_source: the product's (`product_first_approvals`)
--   manufacturing_model: `manufacturing_model(modality, cell_source)`; `unknown` where no approval gives the product a
--     CGT modality
--   is_per_patient: one batch per patient
--   approval_regions: regions where it is approved, `, `-joined in order
SELECT
    products.product_id,
    products.display_name,
    min(firsts.modality) AS modality,
    min(firsts.cell_source) AS cell_source,
    coalesce(manufacturing_model(min(firsts.modality), min(firsts.cell_source)), 'unknown') AS manufacturing_model,
    coalesce(is_per_patient_model(manufacturing_model(min(firsts.modality), min(firsts.cell_source))), false)
        AS is_per_patient,
    string_agg(DISTINCT firsts.region, ', ' ORDER BY firsts.region) AS approval_regions
FROM products
JOIN product_first_approvals AS firsts USING (product_id)
WHERE products.is_cgt
GROUP BY products.product_id, products.display_name
ORDER BY products.product_id
