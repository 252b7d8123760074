-- ictrp_records: the record's own ICTRP fields as printed, for provenance and re-mapping.
SELECT
    trial_id,
    TrialID AS ictrp_trial_id,
    Internal_Number AS internal_number,
    Source_Register AS source_register,
    web_address,
    Recruitment_Status AS recruitment_status,
    Phase AS phase,
    Study_type AS study_type,
    Date_registration AS date_registration,
    Date_enrollement AS date_enrollment,
    Last_Refreshed_on AS last_refreshed_on,
    Export_date AS export_date,
    Target_size AS target_size,
    Countries AS countries,
    Secondary_ID AS secondary_ids,
    Source_Support AS source_support,
    Retrospective_flag AS retrospective_flag,
    CASE lower(other_records) WHEN 'yes' THEN true WHEN 'no' THEN false END AS other_records,
    fetch_seq
FROM ictrp_trial
