-- euctr_member_states: every member-state record of a trial as printed, statuses and dates raw.
SELECT
    trial_id,
    record_index,
    member_state,
    competent_authority,
    clinical_trial_type,
    trial_status,
    first_entered_date,
    authority_decision,
    authority_decision_date,
    ethics_opinion_date,
    end_of_trial_status,
    global_end_date,
    link AS source_url,
    fetch_seq
FROM euctr_record
