-- Compare what the atlas reports now with the snapshot (snapshot.sql) and record each difference in run_changes.
-- $run_id: the refresh. Sorted so two loads of the same inputs store the same rows in the same order.
INSERT INTO run_changes
WITH after_trials AS (
    SELECT t.trial_id, t.registry, t.overall_status, t.phase, t.title
    FROM trials AS t JOIN trial_classification AS c USING (trial_id) WHERE c.is_cgt
), after_sites AS (
    SELECT DISTINCT s.trial_id, s.country_code, coalesce(s.city, '') AS city,
        coalesce(s.facility, '') AS facility, t.registry
    FROM trial_sites AS s JOIN after_trials AS t USING (trial_id)
), after_approvals AS (
    SELECT a.approval_id, a.agency, coalesce(a.brand_name, a.common_name, a.active_substance) AS label,
        a.status
    FROM approvals AS a JOIN approval_classification AS c USING (approval_id) WHERE c.is_cgt
), found AS (
    SELECT 'new_trial' AS change, a.registry AS source, a.trial_id AS entity_key, a.title AS label,
        NULL AS "before", a.overall_status AS "after"
    FROM after_trials AS a ANTI JOIN changes_before_trials AS b USING (trial_id)
    UNION ALL
    SELECT 'trial_status', a.registry, a.trial_id, a.title, b.overall_status, a.overall_status
    FROM after_trials AS a JOIN changes_before_trials AS b USING (trial_id)
    WHERE a.overall_status IS DISTINCT FROM b.overall_status
    UNION ALL
    SELECT 'trial_phase', a.registry, a.trial_id, a.title, b.phase, a.phase
    FROM after_trials AS a JOIN changes_before_trials AS b USING (trial_id)
    WHERE a.phase IS DISTINCT FROM b.phase
    UNION ALL
    SELECT 'new_site', s.registry, concat_ws('|', s.trial_id, s.country_code, s.city, s.facility),
        concat_ws(', ', nullif(s.facility, ''), nullif(s.city, ''), s.country_code), NULL, s.trial_id
    FROM after_sites AS s
    SEMI JOIN changes_before_trials AS known USING (trial_id)
    ANTI JOIN changes_before_sites AS b USING (trial_id, country_code, city, facility)
    UNION ALL
    SELECT 'new_approval', a.agency, a.approval_id, a.label, NULL, a.status
    FROM after_approvals AS a ANTI JOIN changes_before_approvals AS b USING (approval_id)
    UNION ALL
    SELECT 'approval_ended', b.agency, b.approval_id, b.label, b.status, a.status
    FROM changes_before_approvals AS b LEFT JOIN after_approvals AS a USING (approval_id)
    WHERE a.approval_id IS NULL
        OR a.status IS DISTINCT FROM b.status
        AND regexp_matches(lower(coalesce(a.status, '')), 'withdrawn|suspended|revoked|cancel|expired|lapsed|not renewed')
)
SELECT $run_id, now(), change, source, entity_key, label, "before", "after"
FROM found ORDER BY change, source, entity_key;
