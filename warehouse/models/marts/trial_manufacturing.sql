-- Grain: one row per CGT trial record (trial_classification.is_cgt). manufacturing_model: how the trial's product
-- is made (macro manufacturing_model over modality and cell source, docs/manufacturing.md); is_per_patient: one
-- batch per patient; cell_source_basis carried through (a per-patient model whose basis is 'default' rests on the
-- documented default, not on the record's words); cgt_role: investigational, population or follow-up.
-- Columns:
--   trial_id: the record
--   modality, cell_source, cell_source_basis, cgt_role: from `trial_classification`
--   manufacturing_model: `manufacturing_model(modality, cell_source)`
--   is_per_patient: one batch per patient
SELECT
    trial_id,
    modality,
    cell_source,
    cell_source_basis,
    cgt_role,
    manufacturing_model(modality, cell_source) AS manufacturing_model,
    is_per_patient_model(manufacturing_model(modality, cell_source)) AS is_per_patient
FROM trial_classification
WHERE is_cgt
ORDER BY trial_id
