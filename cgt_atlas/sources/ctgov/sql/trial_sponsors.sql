-- trial_sponsors: the lead sponsor and each distinct collaborator of a study.
WITH party AS (
    SELECT
        ps.identificationModule.nctId AS trial_id,
        fetch_seq,
        ps.sponsorCollaboratorsModule.leadSponsor AS sponsor,
        'lead' AS role
    FROM ctgov_study
    WHERE ps.sponsorCollaboratorsModule.leadSponsor."name" IS NOT NULL
    UNION ALL
    SELECT
        ps.identificationModule.nctId,
        fetch_seq,
        unnest(ps.sponsorCollaboratorsModule.collaborators),
        'collaborator'
    FROM ctgov_study
)
SELECT DISTINCT
    trial_id,
    sponsor."name" AS "name",
    sponsor."class" AS sponsor_class,
    role,
    fetch_seq
FROM party
