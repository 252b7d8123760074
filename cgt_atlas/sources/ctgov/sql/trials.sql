-- trials: one row per study.
SELECT
    ps.identificationModule.nctId AS trial_id,
    'ctgov' AS registry,
    ps.identificationModule.briefTitle AS title,
    ps.identificationModule.officialTitle AS official_title,
    ps.descriptionModule.briefSummary AS brief_summary,
    ps.conditionsModule.keywords AS keywords,
    CASE WHEN len(ps.designModule.phases) > 0
        THEN array_to_string(list_sort(ps.designModule.phases), '/') END AS phase,
    ps.statusModule.overallStatus AS overall_status,
    ps.designModule.studyType AS study_type,
    ps.statusModule.startDateStruct.date AS start_date,
    ps.statusModule.startDateStruct."type" AS start_date_type,
    ps.statusModule.primaryCompletionDateStruct.date AS primary_completion_date,
    ps.statusModule.completionDateStruct.date AS completion_date,
    ps.designModule.enrollmentInfo.count AS enrollment,
    ps.designModule.enrollmentInfo."type" AS enrollment_type,
    ps.sponsorCollaboratorsModule.leadSponsor."name" AS lead_sponsor,
    ps.sponsorCollaboratorsModule.leadSponsor."class" AS lead_sponsor_class,
    ps.statusModule.studyFirstPostDateStruct.date AS first_posted_date,
    ps.statusModule.lastUpdatePostDateStruct.date AS last_update_date,
    has_results,
    'https://clinicaltrials.gov/study/' || ps.identificationModule.nctId AS source_url,
    content_hash,
    fetch_seq
FROM ctgov_study
