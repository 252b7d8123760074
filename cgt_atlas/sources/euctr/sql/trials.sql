-- trials: one row per EudraCT number. Protocol fields come from the representative record;
-- status is the most active of the member states' statuses; start_date is the earliest
-- competent-authority decision (EUCTR has no start date), else the earliest entry date.
WITH per_trial AS (
    SELECT
        trial_id,
        arg_min(status_from_text(trial_status), status_rank(status_from_text(trial_status)))
            AS overall_status,
        min(authority_decision_date) AS first_decision_date,
        min(first_entered_date) AS first_entered_date,
        max(global_end_date) AS global_end_date
    FROM euctr_record
    GROUP BY trial_id
),
lead AS (
    SELECT file_seq, record_seq,
        max(value) FILTER (WHERE code = 'B.1.1') AS sponsor_name,
        max(value) FILTER (WHERE code = 'B.3.1') AS sponsor_status
    FROM euctr_line
    WHERE lang IS NULL AND block_no = 1 AND code IN ('B.1.1', 'B.3.1')
    GROUP BY file_seq, record_seq
)
SELECT
    rep.trial_id,
    'euctr' AS registry,
    coalesce(rep.lay_title, rep.short_title, rep.full_title) AS title,
    rep.full_title AS official_title,
    phase_from_flags(
        false, coalesce(rep.phase1, false), coalesce(rep.phase2, false), coalesce(rep.phase3, false),
        coalesce(rep.phase4, false)
    ) AS phase,
    per_trial.overall_status,
    'INTERVENTIONAL' AS study_type,
    coalesce(per_trial.first_decision_date, per_trial.first_entered_date) AS start_date,
    NULL::VARCHAR AS start_date_type,
    NULL::VARCHAR AS primary_completion_date,
    per_trial.global_end_date AS completion_date,
    rep.planned_subjects AS enrollment,
    CASE WHEN rep.planned_subjects IS NOT NULL THEN 'ESTIMATED' END AS enrollment_type,
    trim(lead.sponsor_name) AS lead_sponsor,
    CASE lower(trim(lead.sponsor_status))
        WHEN 'commercial' THEN 'INDUSTRY' WHEN 'non-commercial' THEN 'OTHER'
    END AS lead_sponsor_class,
    per_trial.first_entered_date AS first_posted_date,
    NULL::VARCHAR AS last_update_date,
    NULL::BOOLEAN AS has_results,
    'https://www.clinicaltrialsregister.eu/ctr-search/search?query=eudract_number:' || rep.trial_id
        AS source_url,
    euctr_trial_hash.content_hash,
    rep.fetch_seq
FROM euctr_record AS rep
JOIN per_trial USING (trial_id)
JOIN euctr_trial_hash USING (trial_id)
LEFT JOIN lead USING (file_seq, record_seq)
WHERE rep.is_representative
