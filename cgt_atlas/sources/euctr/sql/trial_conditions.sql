-- trial_conditions: E.1.1 (English) of every record of a trial, else its lay wording E.1.1.1.
WITH stated AS (
    SELECT record.trial_id, record.fetch_seq, line.code, trim(line.value) AS condition
    FROM euctr_record AS record
    JOIN euctr_line AS line USING (file_seq, record_seq)
    WHERE line.lang IS NULL AND line.code IN ('E.1.1', 'E.1.1.1') AND nullif(trim(line.value), '') IS NOT NULL
)
SELECT DISTINCT trial_id, condition, fetch_seq
FROM stated
WHERE code = 'E.1.1'
    OR trial_id NOT IN (SELECT trial_id FROM stated WHERE code = 'E.1.1')
