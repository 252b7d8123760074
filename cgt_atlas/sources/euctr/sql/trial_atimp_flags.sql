-- trial_atimp_flags: the D.3.11 advanced-therapy flags of each product of the representative
-- record, kept for the CGT classifier (Yes -> true, No -> false, absent -> NULL).
SELECT
    rep.trial_id,
    line.block_no AS intervention_index,
    max(value) FILTER (WHERE code = 'D.3.1') AS product_name,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3') AS is_atimp,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3.1') AS somatic_cell_therapy,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3.2') AS gene_therapy,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3.3') AS tissue_engineered,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3.4') AS combination_atimp,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3.5') AS cat_classification,
    max(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.10') AS contains_gmo,
    rep.fetch_seq
FROM euctr_record AS rep
JOIN euctr_line AS line USING (file_seq, record_seq)
WHERE rep.is_representative AND line.lang IS NULL AND line.block_no IS NOT NULL
    AND line.code LIKE 'D.%' AND nullif(trim(line.value), '') IS NOT NULL
GROUP BY rep.trial_id, rep.fetch_seq, line.block_no
HAVING count(*) FILTER (WHERE code LIKE 'D.3.%') > 0
