-- trial_conditions: the medical conditions stated in Part I (medicalConditions, and
-- trialInformation.medicalCondition), English; the MedDRA term names only when none is stated.
WITH stated AS (
    SELECT trial_id, fetch_seq, trim(unnest(list_concat(
        list_transform(p1.medicalConditions, lambda c: c.medicalCondition),
        list_transform(p1.trialDetails.trialInformation.medicalCondition.partIMedicalConditions,
            lambda c: c.medicalCondition)
    ))) AS condition
    FROM ctis_record
),
meddra AS (
    SELECT trial_id, fetch_seq, trim(unnest(list_transform(
        p1.trialDetails.trialInformation.medicalCondition.meddraConditionTerms, lambda c: c.termName
    ))) AS condition
    FROM ctis_record
)
SELECT DISTINCT trial_id, condition, fetch_seq FROM stated WHERE nullif(condition, '') IS NOT NULL
UNION
SELECT DISTINCT trial_id, condition, fetch_seq FROM meddra
WHERE nullif(condition, '') IS NOT NULL
    AND fetch_seq NOT IN (SELECT fetch_seq FROM stated WHERE nullif(condition, '') IS NOT NULL)
