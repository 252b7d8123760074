-- trials: one row per ICTRP record. Phase, status and dates go through the shared macros
-- (cgt_atlas/sources/common_sql/macros.sql); the values as printed stay in ictrp_records.
-- ICTRP gives no sponsor class and no completion date.
SELECT
    trial_id,
    registry,
    coalesce(Public_title, Scientific_title) AS title,
    Scientific_title AS official_title,
    phase_from_text(Phase) AS phase,
    status_from_text(Recruitment_Status) AS overall_status,
    CASE
        WHEN lower(Study_type) LIKE '%interventional%' THEN 'INTERVENTIONAL'
        WHEN lower(Study_type) LIKE '%observational%' THEN 'OBSERVATIONAL'
        WHEN lower(Study_type) LIKE '%expanded access%' THEN 'EXPANDED_ACCESS'
    END AS study_type,
    date_from_text(Date_enrollement) AS start_date,
    NULL::VARCHAR AS start_date_type,
    NULL::VARCHAR AS primary_completion_date,
    NULL::VARCHAR AS completion_date,
    CASE
        WHEN regexp_matches(trim(Target_size), '^\d+$') THEN trim(Target_size)::BIGINT
        -- "control group:50;sepsis group:50;": the groups' sizes added up
        ELSE list_sum(list_transform(regexp_extract_all(Target_size, ':\s*(\d+)', 1), lambda x: x::BIGINT))::BIGINT
    END AS enrollment,
    NULL::VARCHAR AS enrollment_type,
    Primary_sponsor AS lead_sponsor,
    NULL::VARCHAR AS lead_sponsor_class,
    coalesce(date_from_text(Date_registration3), date_from_text(Date_registration)) AS first_posted_date,
    date_from_text(Last_Refreshed_on) AS last_update_date,
    NULL::BOOLEAN AS has_results,
    'https://trialsearch.who.int/Trial2.aspx?TrialID=' || TrialID AS source_url,
    content_hash,
    fetch_seq
FROM ictrp_trial
