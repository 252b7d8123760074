-- trial_ids: Secondary_ID split on ";", one row per registry number found in each item
-- (trial_numbers, warehouse/ddl/031_trial_numbers.sql: "2019-001698-10-GB" and
-- "EUCTR2019-001698-10-NL" both give EudraCT 2019-001698-10); an item with none stays OTHER.
WITH item AS (
    SELECT trial_id, fetch_seq, trim(unnest(string_split(Secondary_ID, ';'))) AS raw_id
    FROM ictrp_trial
),
found AS (
    SELECT *, trial_numbers(raw_id) AS numbers
    FROM item
    WHERE raw_id <> '' AND lower(raw_id) NOT IN ('n/a', 'na', 'nil', 'none', 'not applicable', '-')
),
typed AS (
    SELECT trial_id, fetch_seq, raw_id, number.other_id, number.id_type
    FROM (SELECT *, unnest(numbers) AS number FROM found WHERE len(numbers) > 0)
    UNION ALL
    SELECT trial_id, fetch_seq, raw_id, raw_id, 'OTHER' FROM found WHERE len(numbers) = 0
)
SELECT trial_id, other_id, id_type, 'Secondary_ID' AS declared_type, NULL::VARCHAR AS "domain", raw_id,
    fetch_seq
FROM typed
WHERE other_id <> trial_id
QUALIFY row_number() OVER (PARTITION BY trial_id, fetch_seq, other_id, id_type ORDER BY raw_id) = 1
