-- trial_ids: the numbers a record carries in other registers: the EudraCT number of a trial
-- transitioned from the Directive (authorizedApplication.eudraCt, pre-relaunch eudraCtInfo),
-- the NCT number and the additional registries' numbers of secondaryIdentifyingNumbers. Every
-- registry number found in a value is one row (trial_numbers()); a value with none (e.g. US IND
-- numbers) stays OTHER, its registry name as declared_type.
WITH declared AS (
    SELECT trial_id, fetch_seq, 'eudraCt' AS declared_type, trim(eudract_number) AS raw_id
    FROM ctis_record
    UNION ALL
    SELECT trial_id, fetch_seq, 'nctNumber',
        trim(p1.trialDetails.clinicalTrialIdentifiers.secondaryIdentifyingNumbers.nctNumber."number")
    FROM ctis_record
    UNION ALL
    SELECT trial_id, fetch_seq, coalesce(nullif(trim(reg.otherRegistryName), ''), 'additionalRegistries'),
        trim(reg."number")
    FROM (
        SELECT trial_id, fetch_seq,
            unnest(p1.trialDetails.clinicalTrialIdentifiers.secondaryIdentifyingNumbers.additionalRegistries) AS reg
        FROM ctis_record
    )
),
found AS (
    SELECT *, trial_numbers(raw_id) AS numbers
    FROM declared
    WHERE nullif(raw_id, '') IS NOT NULL AND lower(raw_id) NOT IN ('n/a', 'na', 'not applicable', 'none', '-')
),
typed AS (
    SELECT trial_id, fetch_seq, declared_type, raw_id, number.other_id, number.id_type
    FROM (SELECT *, unnest(numbers) AS number FROM found WHERE len(numbers) > 0)
    UNION ALL
    SELECT trial_id, fetch_seq, declared_type, raw_id, raw_id, 'OTHER'
    FROM found
    WHERE len(numbers) = 0
)
SELECT trial_id, other_id, id_type, declared_type, NULL::VARCHAR AS "domain", raw_id, fetch_seq
FROM typed
WHERE other_id <> trial_id
QUALIFY row_number() OVER (PARTITION BY fetch_seq, other_id, id_type ORDER BY declared_type, raw_id) = 1
