-- euctr_record: one row per member-state record, its summary and protocol fields pivoted by
-- code (English lines only; national-language copies carry lang). Summary lines have no code,
-- so they are read by the start of their label. A trial (EudraCT number) is every record that
-- carries its number; its representative record (the most recently entered, then the last
-- fetched) gives the protocol-level fields that member states repeat.
CREATE OR REPLACE TEMP TABLE euctr_record AS
WITH field AS (
    SELECT * FROM euctr_line WHERE lang IS NULL AND value IS NOT NULL AND trim(value) <> ''
),
record AS (
    SELECT
        file_seq,
        record_seq,
        file_seq * 1000000 + record_seq AS record_fetch_seq,
        regexp_extract(coalesce(
            max(value) FILTER (WHERE code = 'SUMMARY' AND label ILIKE 'EudraCT Number%'),
            max(value) FILTER (WHERE code = 'A.2')
        ), '\d{4}-\d{6}-\d{2}') AS eudract_number,
        coalesce(
            max(value) FILTER (WHERE code = 'SUMMARY' AND label ILIKE 'National Competent Authority%'),
            max(value) FILTER (WHERE code = 'A.1')
        ) AS authority_line,
        max(value) FILTER (WHERE code = 'SUMMARY' AND label ILIKE 'Clinical Trial Type%') AS clinical_trial_type,
        max(value) FILTER (WHERE code = 'SUMMARY' AND label ILIKE 'Trial Status%') AS trial_status,
        max(value) FILTER (WHERE code = 'SUMMARY' AND label ILIKE 'Date on which this record was first entered%')
            AS first_entered_raw,
        max(value) FILTER (WHERE code = 'SUMMARY' AND label ILIKE 'Link%') AS link,
        max(value) FILTER (WHERE code = 'A.3') AS full_title,
        max(value) FILTER (WHERE code = 'A.3.1') AS lay_title,
        max(value) FILTER (WHERE code = 'A.3.2') AS short_title,
        max(value) FILTER (WHERE code = 'A.4.1') AS protocol_code,
        bool_or(lower(value) = 'yes') FILTER (WHERE code = 'E.7.1') AS phase1,
        bool_or(lower(value) = 'yes') FILTER (WHERE code = 'E.7.2') AS phase2,
        bool_or(lower(value) = 'yes') FILTER (WHERE code = 'E.7.3') AS phase3,
        bool_or(lower(value) = 'yes') FILTER (WHERE code = 'E.7.4') AS phase4,
        coalesce(
            try_cast(max(value) FILTER (WHERE code = 'F.4.2.2') AS BIGINT),
            try_cast(max(value) FILTER (WHERE code = 'F.4.2.1') AS BIGINT),
            try_cast(max(value) FILTER (WHERE code = 'F.4.1') AS BIGINT)
        ) AS planned_subjects,
        max(value) FILTER (WHERE code = 'E.8.6.3') AS planned_regions,
        max(value) FILTER (WHERE code = 'N.' AND label ILIKE 'Competent Authority Decision%') AS authority_decision,
        max(value) FILTER (WHERE code = 'N.' AND label ILIKE 'Date of Competent Authority Decision%')
            AS authority_decision_raw,
        max(value) FILTER (WHERE code = 'N.' AND label ILIKE 'Date of Ethics Committee Opinion%')
            AS ethics_opinion_raw,
        max(value) FILTER (WHERE code = 'P.' AND label ILIKE 'End of Trial Status%') AS end_of_trial_status,
        max(value) FILTER (WHERE code = 'P.' AND label ILIKE 'Date of the global end%') AS global_end_raw
    FROM field
    GROUP BY file_seq, record_seq
),
located AS (
    SELECT
        *,
        -- "Spain - AEMPS": the country before the first " - "; records for sites outside the
        -- EU/EEA ("3RD" in the link) name no member state, their countries come from E.8.6.3.
        CASE WHEN NOT (coalesce(link, '') ILIKE '%/3RD/%' OR coalesce(clinical_trial_type, '') ILIKE '%outside%')
            THEN nullif(trim(split_part(authority_line, ' - ', 1)), '') END AS member_state,
        nullif(trim(substr(authority_line, strpos(authority_line, ' - ') + 3)), '') AS competent_authority,
        date_from_text(first_entered_raw) AS first_entered_date,
        date_from_text(authority_decision_raw) AS authority_decision_date,
        date_from_text(ethics_opinion_raw) AS ethics_opinion_date,
        date_from_text(global_end_raw) AS global_end_date
    FROM record
    WHERE eudract_number <> ''
)
SELECT
    eudract_number AS trial_id,
    *,
    row_number() OVER (PARTITION BY eudract_number ORDER BY record_fetch_seq) AS record_index,
    max(record_fetch_seq) OVER (PARTITION BY eudract_number) AS fetch_seq,
    row_number() OVER (
        PARTITION BY eudract_number ORDER BY first_entered_date DESC NULLS LAST, record_fetch_seq DESC
    ) = 1 AS is_representative
FROM located;

-- The content hash of a trial covers every line of every one of its records.
CREATE OR REPLACE TEMP TABLE euctr_trial_hash AS
SELECT
    record.trial_id,
    hash(
        list(struct_pack(line.code, line.label, line.lang, line.block_no, line.value)
            ORDER BY record.record_fetch_seq, line.line_no),
        $fingerprint
    ) AS content_hash
FROM euctr_record AS record
JOIN euctr_line AS line USING (file_seq, record_seq)
GROUP BY record.trial_id;
