-- Grain: one row per CGT trial record (trial_classification.is_cgt). manufacturing_model: how the trial's product
-- is made (macro manufacturing_model over modality and cell source, docs/manufacturing.md); is_per_patient: one
-- batch per patient; cell_source_basis carried through (a per-patient model whose basis is 'default' rests on the
-- documented default, not on the record's words); cgt_role: investigational, population or follow-up.
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
