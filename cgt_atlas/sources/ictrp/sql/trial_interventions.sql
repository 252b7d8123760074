-- trial_interventions: Intervention split on ";". "Drug: X" (ClinicalTrials.gov style) gives
-- type and name; EU records give "Product Name: X"; otherwise the first line names it and
-- the whole text is the description (<br> become line breaks, other tags are dropped).
WITH item AS (
    SELECT trial_id, fetch_seq, generate_subscripts(string_split(Intervention, ';'), 1) AS position,
        trim(regexp_replace(
            regexp_replace(unnest(string_split(Intervention, ';')), '(?i)<br\s*/?>', chr(10), 'g'),
            '<[^>]+>', '', 'g'
        )) AS text
    FROM ictrp_trial
),
typed AS (
    SELECT *,
        regexp_extract(text, '^(?i)(Drug|Biological|Genetic|Device|Procedure|Behavioral|Radiation|'
            || 'Dietary Supplement|Diagnostic Test|Combination Product|Other)\s*:\s*(.+)$', ['kind', 'rest'])
            AS prefixed,
        nullif(trim(regexp_extract(text, '(?i)Product Name:\s*([^,' || chr(10) || ']+)', 1)), '') AS product
    FROM item
    WHERE text <> ''
)
SELECT
    trial_id,
    row_number() OVER (PARTITION BY trial_id, fetch_seq ORDER BY position) AS intervention_index,
    CASE WHEN prefixed.kind <> '' THEN upper(replace(prefixed.kind, ' ', '_')) END AS intervention_type,
    coalesce(nullif(trim(prefixed.rest), ''), product, trim(split_part(ltrim(text, chr(10)), chr(10), 1)))
        AS "name",
    CASE WHEN prefixed.kind = '' THEN text END AS description,
    []::VARCHAR[] AS other_names,
    fetch_seq
FROM typed
