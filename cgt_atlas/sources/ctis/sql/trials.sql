-- trials: one row per EU CT number. Status from the public status code (the pre-relaunch
-- body's status text through ctis_status_code); phase from trialCategory.trialPhase, else the
-- overview's "(Phase II)" text. start_date: startDateEU, else the earliest START_OF_TRIAL event
-- (ACTUAL), else the estimated recruitment start (ESTIMATED). first_posted_date: the first
-- member-state decision (CTIS publishes a trial once authorised). enrollment: the planned
-- subjects of every member state (Part II) plus the rest of the world (Part I).
WITH per_trial AS (
    SELECT
        fetch_seq,
        (SELECT min(ctis_date(m.firstDecisionDate)) FROM unnest(mscs) AS t(m)) AS first_decision,
        (
            SELECT min(ctis_date(e."date"))
            FROM (SELECT unnest(te.events) AS e FROM unnest(trial_events) AS u(te))
            WHERE e.notificationType = 'START_OF_TRIAL'
        ) AS first_start_event,
        (SELECT sum(p.recruitmentSubjectCount) FROM unnest(p2) AS t(p)) AS eea_subjects,
        list_filter(p1.sponsors, lambda s: s."primary")[1] AS lead
    FROM ctis_record
)
SELECT
    r.trial_id,
    'ctis' AS registry,
    coalesce(
        r.p1.trialDetails.clinicalTrialIdentifiers.publicTitle, r.p1.trialDetails.clinicalTrialIdentifiers.fullTitle
    ) AS title,
    r.p1.trialDetails.clinicalTrialIdentifiers.fullTitle AS official_title,
    r.p1.trialDetails.trialInformation.trialObjective.mainObjective AS brief_summary,
    NULL::VARCHAR[] AS keywords,
    coalesce(
        ctis_phase(r.p1.trialDetails.trialInformation.trialCategory.trialPhase),
        phase_from_text(regexp_extract(r.overview_phase, '\(([^)]*)\)', 1))
    ) AS phase,
    ctis_status(coalesce(r.ctPublicStatusCode, ctis_status_code(r.ctStatus))) AS overall_status,
    'INTERVENTIONAL' AS study_type,
    coalesce(
        ctis_date(r.startDateEU), t.first_start_event,
        ctis_date(r.p1.trialDetails.trialInformation.trialDuration.estimatedRecruitmentStartDate)
    ) AS start_date,
    CASE
        WHEN coalesce(ctis_date(r.startDateEU), t.first_start_event) IS NOT NULL THEN 'ACTUAL'
        WHEN ctis_date(r.p1.trialDetails.trialInformation.trialDuration.estimatedRecruitmentStartDate) IS NOT NULL
            THEN 'ESTIMATED'
    END AS start_date_type,
    NULL::VARCHAR AS primary_completion_date,
    coalesce(
        ctis_date(r.p1.trialDetails.trialInformation.trialDuration.estimatedGlobalEndDate),
        ctis_date(r.p1.trialDetails.trialInformation.trialDuration.estimatedEndDate)
    ) AS completion_date,
    CASE WHEN t.eea_subjects IS NOT NULL OR r.p1.rowSubjectCount IS NOT NULL
        THEN (coalesce(t.eea_subjects, 0) + coalesce(r.p1.rowSubjectCount, 0))::BIGINT
        ELSE try_cast(r.totalNumberEnrolled AS BIGINT)
    END AS enrollment,
    'ESTIMATED' AS enrollment_type,
    trim(t.lead.organisation."name") AS lead_sponsor,
    ctis_sponsor_class(t.lead.isCommercial, t.lead.commercial) AS lead_sponsor_class,
    coalesce(t.first_decision, ctis_date(r.overview_decision_date)) AS first_posted_date,
    coalesce(ctis_date(r.publishDate), ctis_date(r.lastPublicationUpdate), ctis_date(r.lastUpdated))
        AS last_update_date,
    NULL::BOOLEAN AS has_results,
    'https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT=' || r.trial_id AS source_url,
    r.content_hash,
    r.fetch_seq
FROM ctis_record AS r
JOIN per_trial AS t USING (fetch_seq)
