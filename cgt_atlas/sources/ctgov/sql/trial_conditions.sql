-- trial_conditions: one row per distinct condition of a study.
SELECT DISTINCT
    ps.identificationModule.nctId AS trial_id,
    trim(unnest(ps.conditionsModule.conditions)) AS condition,
    fetch_seq
FROM ctgov_study
