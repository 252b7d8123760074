-- trial_sponsors: the lead sponsor and each distinct collaborator of a study. investigator_affiliation (lead row
-- only): the affiliation the record gives for the investigator who is the responsible party
-- (responsibleParty.investigatorAffiliation; registrants sometimes repeat the person's own name there, so a value
-- with the investigator's own name's words is dropped), else the first overall official's affiliation.
-- It is what an investigator sponsor ("He Huang") maps to (sponsor_organisations); NULL when the record gives none.
WITH party AS (
    SELECT
        ps.identificationModule.nctId AS trial_id,
        fetch_seq,
        ps.sponsorCollaboratorsModule.leadSponsor AS sponsor,
        'lead' AS role,
        coalesce(
            CASE
                WHEN ps.sponsorCollaboratorsModule.responsibleParty."type" IN
                    ('PRINCIPAL_INVESTIGATOR', 'SPONSOR_INVESTIGATOR')
                 -- the same words in any order: "Arbelaez, Ana Maria" is Ana Maria Arbelaez's own name
                 AND list_sort(string_split(trim(regexp_replace(lower(
                        ps.sponsorCollaboratorsModule.responsibleParty.investigatorAffiliation), '[^a-z]+', ' ', 'g')), ' '))
                    <> list_sort(string_split(trim(regexp_replace(lower(coalesce(
                        ps.sponsorCollaboratorsModule.responsibleParty.investigatorFullName, '')), '[^a-z]+', ' ', 'g')), ' '))
                THEN nullif(trim(ps.sponsorCollaboratorsModule.responsibleParty.investigatorAffiliation), '')
            END,
            nullif(trim(list_filter(ps.contactsLocationsModule.overallOfficials,
                lambda official: nullif(trim(official.affiliation), '') IS NOT NULL)[1].affiliation), '')
        ) AS investigator_affiliation
    FROM ctgov_study
    WHERE ps.sponsorCollaboratorsModule.leadSponsor."name" IS NOT NULL
    UNION ALL
    SELECT
        ps.identificationModule.nctId,
        fetch_seq,
        unnest(ps.sponsorCollaboratorsModule.collaborators),
        'collaborator',
        NULL
    FROM ctgov_study
)
SELECT DISTINCT
    trial_id,
    sponsor."name" AS "name",
    sponsor."class" AS sponsor_class,
    role,
    investigator_affiliation,
    fetch_seq
FROM party
