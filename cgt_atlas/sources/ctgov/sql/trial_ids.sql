-- trial_ids: every other identifier a study declares. id_type comes from the id's own shape
-- where it has one (EudraCT and CTIS numbers are often typed OTHER or REGISTRY), else from the
-- declared type; other_id holds the bare number for EUDRACT, CTIS and NCT.
WITH declared AS (
    SELECT ps.identificationModule.nctId AS trial_id, fetch_seq,
        ps.identificationModule.orgStudyIdInfo.id AS raw_id, 'ORG_STUDY_ID' AS declared_type,
        NULL AS "domain"
    FROM ctgov_study
    UNION ALL
    SELECT ps.identificationModule.nctId, fetch_seq, unnest(ps.identificationModule.nctIdAliases),
        'NCT_ALIAS', NULL
    FROM ctgov_study
    UNION ALL
    SELECT trial_id, fetch_seq, info.id, info."type", info."domain"
    FROM (
        SELECT ps.identificationModule.nctId AS trial_id, fetch_seq,
            unnest(ps.identificationModule.secondaryIdInfos) AS info
        FROM ctgov_study
    )
),
typed AS (
    SELECT
        trial_id, fetch_seq, trim(raw_id) AS raw_id, declared_type, "domain",
        regexp_extract(raw_id, '\d{4}-5\d{5}-\d{2}-\d{2}') AS ctis_number,
        regexp_extract(raw_id, '\d{4}-\d{6}-\d{2}') AS eudract_number,
        regexp_extract(upper(raw_id), 'NCT\d{8}') AS nct_number
    FROM declared
    WHERE nullif(trim(raw_id), '') IS NOT NULL
)
SELECT
    trial_id,
    CASE
        WHEN ctis_number <> '' THEN ctis_number
        WHEN eudract_number <> '' THEN eudract_number
        WHEN nct_number <> '' THEN nct_number
        ELSE raw_id
    END AS other_id,
    CASE
        WHEN ctis_number <> '' THEN 'CTIS'
        WHEN eudract_number <> '' THEN 'EUDRACT'
        WHEN nct_number <> '' THEN 'NCT'
        WHEN declared_type = 'EUDRACT_NUMBER' THEN 'EUDRACT'
        WHEN declared_type = 'NCT_ALIAS' THEN 'NCT'
        WHEN declared_type IN ('ORG_STUDY_ID', 'CTIS', 'REGISTRY', 'NIH', 'FDA', 'VA', 'CDC',
            'AHRQ', 'SAMHSA', 'OTHER_GRANT') THEN declared_type
        ELSE 'OTHER'
    END AS id_type,
    declared_type,
    "domain",
    raw_id,
    fetch_seq
FROM typed
WHERE other_id <> trial_id
-- One row per number and copy of the study (fetch_seq: the load keeps the latest copy's rows); the
-- declared type, then the raw spelling, decides which declaration names it.
QUALIFY row_number() OVER (
    PARTITION BY trial_id, fetch_seq, other_id, id_type ORDER BY declared_type, raw_id, "domain"
) = 1
