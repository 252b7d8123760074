-- Grain: one row per registry number a trial record is known by, and where it was
-- found: in its own trial_id (NCT number, EudraCT number, EUCTR<EudraCT>-<CC>, CTIS..., ChiCTR...)
-- or in any of its trial_ids, whatever their declared type (EudraCT numbers typed OTHER by
-- ClinicalTrials.gov, NCT numbers in EUCTR A.5.2, ICTRP Secondary_ID). trial_numbers() is
-- defined in warehouse/ddl/031_trial_numbers.sql; key is upper-cased so spellings agree.
-- Columns:
--   trial_id: the record
--   key_type: `NCT`, `EUDRACT`, `CTIS`, `UTN`, `REGISTRY`
--   key: the number, upper-cased
--   field: where it was found: `trial_id`, or `trial_ids <id_type> (<declared_type>)`
--   found_in: the text it was found in
WITH stated AS (
    SELECT trial_id, 'trial_id' AS field, trial_id AS text
    FROM trials
    UNION ALL
    SELECT trial_id, 'trial_ids ' || id_type || coalesce(' (' || declared_type || ')', ''), coalesce(raw_id, other_id)
    FROM trial_ids
),
found AS (
    SELECT trial_id, field, text, unnest(trial_numbers(text)) AS number
    FROM stated
)
SELECT DISTINCT
    trial_id,
    number.id_type AS key_type,
    upper(number.other_id) AS key,
    field,
    text AS found_in
FROM found
