-- trial_interventions: one row per investigational product (D.IMP block) of the
-- representative record. Type from the D.3.11 flags: gene therapy ATIMP -> GENETIC; other
-- ATIMPs and biological, immunological, plasma-derived or recombinant products -> BIOLOGICAL;
-- else DRUG (every EUCTR IMP is a medicinal product).
WITH imp AS (
    SELECT
        rep.trial_id, rep.fetch_seq, line.block_no AS intervention_index,
        max(value) FILTER (WHERE code = 'D.3.1') AS product_name,
        max(value) FILTER (WHERE code = 'D.2.1.1.1') AS trade_name,
        max(value) FILTER (WHERE code = 'D.3.2') AS product_code,
        max(value) FILTER (WHERE code = 'D.3.8') AS inn,
        max(value) FILTER (WHERE code = 'D.3.9.2') AS sponsor_code,
        max(value) FILTER (WHERE code = 'D.3.9.3') AS other_name,
        max(value) FILTER (WHERE code = 'D.1.2') AS role,
        max(value) FILTER (WHERE code = 'D.3.4') AS form,
        bool_or(lower(value) = 'yes') FILTER (WHERE code = 'D.3.11.3.2') AS gene_therapy,
        bool_or(lower(value) = 'yes') FILTER (
            WHERE code IN ('D.3.11.2', 'D.3.11.3', 'D.3.11.6', 'D.3.11.7', 'D.3.11.9')
        ) AS biological
    FROM euctr_record AS rep
    JOIN euctr_line AS line USING (file_seq, record_seq)
    WHERE rep.is_representative AND line.lang IS NULL AND line.block_no IS NOT NULL
        AND line.code LIKE 'D.%' AND nullif(trim(line.value), '') IS NOT NULL
    GROUP BY rep.trial_id, rep.fetch_seq, line.block_no
)
SELECT
    trial_id,
    intervention_index,
    CASE WHEN gene_therapy THEN 'GENETIC' WHEN biological THEN 'BIOLOGICAL' ELSE 'DRUG' END
        AS intervention_type,
    coalesce(product_name, trade_name, inn, product_code) AS "name",
    concat_ws('; ', 'Role: ' || role, 'Pharmaceutical form: ' || form) AS description,
    list_distinct(list_filter(
        [trade_name, product_code, inn, sponsor_code, other_name],
        lambda x: x IS NOT NULL AND x <> coalesce(product_name, trade_name, inn, product_code)
    )) AS other_names,
    fetch_seq
FROM imp
WHERE coalesce(product_name, trade_name, inn, product_code) IS NOT NULL
