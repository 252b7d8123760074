-- trial_ids: the sponsor's protocol code (A.4.1) and the other registers' numbers (A.5.x:
-- ISRCTN, US NCT, WHO UTN, other identifiers) of every record, one row per number found
-- (trial_numbers, warehouse/ddl/031_trial_numbers.sql); a value with none stays OTHER.
WITH declared AS (
    SELECT DISTINCT record.trial_id, record.fetch_seq, line.code AS declared_type, trim(line.value) AS raw_id
    FROM euctr_record AS record
    JOIN euctr_line AS line USING (file_seq, record_seq)
    WHERE line.lang IS NULL AND (line.code = 'A.4.1' OR line.code LIKE 'A.5%')
        AND nullif(trim(line.value), '') IS NOT NULL
        AND lower(trim(line.value)) NOT IN ('n/a', 'na', 'not applicable', 'none', '-')
),
found AS (
    SELECT *, CASE WHEN declared_type = 'A.4.1' THEN [] ELSE trial_numbers(raw_id) END AS numbers
    FROM declared
),
typed AS (
    SELECT trial_id, fetch_seq, declared_type, raw_id, number.other_id, number.id_type
    FROM (SELECT *, unnest(numbers) AS number FROM found WHERE len(numbers) > 0)
    UNION ALL
    SELECT trial_id, fetch_seq, declared_type, raw_id, raw_id,
        CASE WHEN declared_type = 'A.4.1' THEN 'ORG_STUDY_ID' ELSE 'OTHER' END
    FROM found
    WHERE len(numbers) = 0
)
SELECT trial_id, other_id, id_type, declared_type, NULL::VARCHAR AS "domain", raw_id, fetch_seq
FROM typed
WHERE other_id <> trial_id
QUALIFY row_number() OVER (PARTITION BY trial_id, other_id, id_type ORDER BY declared_type, raw_id) = 1
