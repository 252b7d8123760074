-- trial_atimp_flags: a product's advanced-therapy flag where the record states it
-- (anAdvancedTherapyMedicinalProduct; the pre-relaunch body has it, the current one did not in
-- the genuine samples). CTIS states no sub-class, so the EUCTR D.3.11 sub-flags stay NULL.
SELECT
    trial_id,
    position::BIGINT AS intervention_index,
    coalesce(nullif(trim(prod.productName), ''), nullif(trim(prod.productDictionaryInfo.prodName), ''),
        nullif(trim(prod.productDictionaryInfo.activeSubstanceName), '')) AS product_name,
    prod.anAdvancedTherapyMedicinalProduct AS is_atimp,
    NULL::BOOLEAN AS somatic_cell_therapy,
    NULL::BOOLEAN AS gene_therapy,
    NULL::BOOLEAN AS tissue_engineered,
    NULL::BOOLEAN AS combination_atimp,
    NULL::BOOLEAN AS cat_classification,
    NULL::BOOLEAN AS contains_gmo,
    fetch_seq
FROM (
    SELECT trial_id, fetch_seq, unnest(p1.products) AS prod, generate_subscripts(p1.products, 1) AS position
    FROM ctis_record
)
WHERE prod.anAdvancedTherapyMedicinalProduct IS NOT NULL
