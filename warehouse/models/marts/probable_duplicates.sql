-- Grain: one row per pair of trial records (trial_id < linked_trial_id) that are probably one protocol
-- registered twice, under numbers that do not cite each other. Every pair has the same title key
-- (registration_text_key of the brief title, at least four words, carried by at most five records: a title
-- more records carry is a template a sponsor or network reuses, never a sign of one protocol, and comparing
-- every pair of a large group would cost the square of its size), neither record is an ICTRP copy of a
-- loaded native record, the two share no registry number (those are linked already), and one of two rules holds:
--   same_sponsor: same sponsor key (registration_sponsor_key of the lead sponsor); start dates at most
--     365 days apart, or one not given; enrolment equal, or one not given; phase equal, or one not given;
--     and at least one intervention name or condition in common (text keys), so a generic title the
--     sponsor reuses for different products or diseases stays apart.
--   same_day_and_site: lead sponsors differ (a company and its hospital each registering the protocol),
--     but the start date is the same day, enrolment the same, and they share a site and an intervention.
-- days_apart: start dates (first day of a partial date) apart, NULL when one is not given. shared_*: the
-- text keys in common, sorted. evidence: the same facts in one line.
-- Columns:
--   trial_id: the first record of the pair (`trial_id < linked_trial_id`)
--   linked_trial_id: the second record
--   rule: `same_sponsor` (same `registration_sponsor_key`: the text key without co, ltd, inc, llc, gmbh, corp,
--     ...) or `same_day_and_site`
--   title_key: the shared title key (`registration_text_key` of the brief title; macros in
--     `warehouse/ddl/032_registration_keys.sql`: lower case, `+` read as "plus" and a word-final `-` as "minus"
--     so "Ph+ B-ALL" and "Ph- B-ALL" stay apart, other punctuation to spaces)
--   lead_sponsor, linked_lead_sponsor: each record's lead sponsor
--   start_date, linked_start_date: each record's start date
--   days_apart: days between the start dates (NULL when a start date is not given)
--   enrollment, linked_enrollment: each record's enrolment
--   phase, linked_phase: each record's phase
--   shared_interventions, shared_conditions, shared_sites: text keys the two have in common, sorted
--   evidence: the same facts in one line, values in the order trial_id / linked_trial_id
WITH record AS (
    SELECT
        trials.trial_id,
        trials.title,
        registration_text_key(trials.title) AS title_key,
        trials.lead_sponsor,
        registration_sponsor_key(trials.lead_sponsor) AS sponsor_key,
        trials.start_date,
        partial_date_low(trials.start_date) AS start_day,
        length(trials.start_date) = 10 AS start_is_day,
        trials.enrollment,
        trials.phase
    FROM trials
    WHERE NOT (trials.source = 'ictrp' AND EXISTS (
        SELECT 1
        FROM stg_trial_keys AS own
        JOIN stg_trial_keys AS native ON native.key_type = own.key_type AND native.key = own.key
        JOIN trials AS native_record ON native_record.trial_id = native.trial_id
        WHERE own.trial_id = trials.trial_id AND native_record.source <> 'ictrp'
    ))
),
titled AS (
    SELECT * FROM record
    WHERE length(string_split(title_key, ' ')) >= 4
    QUALIFY count(*) OVER (PARTITION BY title_key) <= 5
),
candidate AS (
    SELECT
        a.trial_id,
        b.trial_id AS linked_trial_id,
        a.title_key,
        a.title,
        a.lead_sponsor,
        b.lead_sponsor AS linked_lead_sponsor,
        a.sponsor_key = b.sponsor_key AS same_sponsor,
        a.start_date,
        b.start_date AS linked_start_date,
        abs(datediff('day', a.start_day, b.start_day)) AS days_apart,
        a.start_is_day AND b.start_is_day AND a.start_day = b.start_day AS same_start_day,
        a.enrollment,
        b.enrollment AS linked_enrollment,
        a.phase,
        b.phase AS linked_phase
    FROM titled AS a
    JOIN titled AS b ON b.title_key = a.title_key AND b.trial_id > a.trial_id
    WHERE NOT EXISTS (
        SELECT 1
        FROM stg_trial_keys AS ka
        JOIN stg_trial_keys AS kb ON kb.key_type = ka.key_type AND kb.key = ka.key
        WHERE ka.trial_id = a.trial_id AND kb.trial_id = b.trial_id
    )
),
items AS (
    SELECT trial_id, 'intervention' AS kind, registration_text_key("name") AS item FROM trial_interventions
    WHERE trial_id IN (SELECT trial_id FROM candidate UNION SELECT linked_trial_id FROM candidate)
    UNION
    SELECT trial_id, 'condition', registration_text_key(condition) FROM trial_conditions
    WHERE trial_id IN (SELECT trial_id FROM candidate UNION SELECT linked_trial_id FROM candidate)
    UNION
    SELECT trial_id, 'site', registration_text_key(facility) FROM trial_sites
    WHERE trial_id IN (SELECT trial_id FROM candidate UNION SELECT linked_trial_id FROM candidate)
),
shared AS (
    SELECT
        candidate.trial_id,
        candidate.linked_trial_id,
        list(DISTINCT a.item ORDER BY a.item) FILTER (WHERE a.kind = 'intervention') AS shared_interventions,
        list(DISTINCT a.item ORDER BY a.item) FILTER (WHERE a.kind = 'condition') AS shared_conditions,
        list(DISTINCT a.item ORDER BY a.item) FILTER (WHERE a.kind = 'site') AS shared_sites
    FROM candidate
    JOIN items AS a ON a.trial_id = candidate.trial_id
    JOIN items AS b ON b.trial_id = candidate.linked_trial_id AND b.kind = a.kind AND b.item = a.item
    WHERE a.item IS NOT NULL
    GROUP BY candidate.trial_id, candidate.linked_trial_id
),
judged AS (
    SELECT
        candidate.*,
        coalesce(shared.shared_interventions, []) AS shared_interventions,
        coalesce(shared.shared_conditions, []) AS shared_conditions,
        coalesce(shared.shared_sites, []) AS shared_sites,
        CASE
            WHEN candidate.same_sponsor
                AND coalesce(candidate.days_apart <= 365, true)
                AND coalesce(candidate.enrollment = candidate.linked_enrollment, true)
                AND coalesce(candidate.phase = candidate.linked_phase, true)
                AND len(coalesce(shared.shared_interventions, [])) + len(coalesce(shared.shared_conditions, [])) > 0
                THEN 'same_sponsor'
            WHEN NOT coalesce(candidate.same_sponsor, false)
                AND candidate.same_start_day
                AND candidate.enrollment = candidate.linked_enrollment
                AND len(coalesce(shared.shared_sites, [])) > 0
                AND len(coalesce(shared.shared_interventions, [])) > 0
                THEN 'same_day_and_site'
        END AS rule
    FROM candidate
    LEFT JOIN shared USING (trial_id, linked_trial_id)
)
SELECT
    trial_id,
    linked_trial_id,
    rule,
    title_key,
    lead_sponsor,
    linked_lead_sponsor,
    start_date,
    linked_start_date,
    days_apart,
    enrollment,
    linked_enrollment,
    phase,
    linked_phase,
    shared_interventions,
    shared_conditions,
    shared_sites,
    'rule ' || rule || ': title "' || title || '"; sponsor "' || coalesce(lead_sponsor, '?') || '"'
        || CASE WHEN same_sponsor THEN '' ELSE ' / "' || coalesce(linked_lead_sponsor, '?') || '"' END
        || '; start ' || coalesce(start_date, '?') || ' / ' || coalesce(linked_start_date, '?')
        || coalesce(' (' || days_apart || ' days)', '')
        || '; enrolment ' || coalesce(enrollment::VARCHAR, '?') || ' / ' || coalesce(linked_enrollment::VARCHAR, '?')
        || '; phase ' || coalesce(phase, '?') || ' / ' || coalesce(linked_phase, '?')
        || CASE WHEN len(shared_interventions) > 0
            THEN '; interventions in common: ' || array_to_string(shared_interventions, ', ') ELSE '' END
        || CASE WHEN len(shared_conditions) > 0
            THEN '; conditions in common: ' || array_to_string(shared_conditions, ', ') ELSE '' END
        || CASE WHEN len(shared_sites) > 0 THEN '; sites in common: ' || array_to_string(shared_sites, ', ') ELSE '' END
        AS evidence
FROM judged
WHERE rule IS NOT NULL
ORDER BY trial_id, linked_trial_id
