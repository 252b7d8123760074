-- Grain: one row per cluster (one real-world trial, see trial_clusters; key: cluster_id). Each fact comes from
-- the cluster's preferred record, or from the next record in preference order that gives it; preference is
-- unique within a cluster, so every arg_min has one winner. modality, cell_source, target, cgt_role and
-- cell_source_basis come together from the classification (trial_classification) of the preferred record that is
-- CGT, else of the preferred record ('not CGT'): one modality per cluster, so marts add up. is_counted is the one
-- definition of a counted trial: every trial figure the marts, the report and the dashboard give counts these
-- clusters (read it, never spell the filter again).
-- Columns:
--   cluster_id: the cluster (`trial_clusters.cluster_id`)
--   start_date: from the preferred record, else the next record in preference order that gives it (DATE, see
--     `stg_trials`)
--   start_date_precision: `day`, `month` or `year`, of the record `start_date` comes from
--   start_year: year of `start_date`
--   completion_date: the completion date of the preferred record that gives one, else its primary completion date
--   completion_date_precision: as `start_date_precision`, of `completion_date`
--   end_year: year of `completion_date`
--   phase: as `start_date`
--   is_active: as `start_date`, ignoring `UNKNOWN` statuses
--   overall_status: the preferred record's known status
--   is_industry_led: as `start_date`, of records that give a sponsor class
--   lead_sponsor: the preferred record's that names one
--   lead_sponsor_class: that record's sponsor class
--   enrollment: the preferred record's that gives one (planned or actual patients, the whole trial's)
--   modality, cell_source, target: the classification of the cluster's preferred CGT record, else of its preferred
--     record
--   cgt_role: the `trial_classification.cgt_role` of the record the modality comes from; NULL when not CGT
--   cell_source_basis: how the cell source is known (`explicit`, `named product`, `default`)
--   registrations: the registrations the cluster counts once (distinct `registry_cluster_id` of its records): 1, or
--     more when probable duplicates were merged into it
--   is_started: not withdrawn and not yet recruiting (an unknown status counts as started)
--   is_cgt: the cluster's modality is a CGT modality (not `not CGT`)
--   counts_as_development: not CGT, or CGT as the investigational product (`cgt_role` `investigational`); follow-up
--     and population trials are counted apart
--   is_counted: `is_cgt and counts_as_development and is_started`: a started investigational CGT trial, what every
--     trial figure counts (the trials list, and `trials_started` in the activity marts)
WITH member AS (
    SELECT clusters.cluster_id, clusters.preference, clusters.registry_cluster_id, trials.*, classes.is_cgt,
        classes.modality, classes.cell_source, classes.target, classes.cgt_role, classes.cell_source_basis,
        coalesce(trials.completion_date, trials.primary_completion_date) AS end_date,
        CASE WHEN trials.completion_date IS NOT NULL THEN trials.completion_date_precision
            ELSE trials.primary_completion_date_precision END AS end_date_precision
    FROM trial_clusters AS clusters
    JOIN stg_trials AS trials USING (trial_id)
    JOIN trial_classification AS classes USING (trial_id)
),
facts AS (
    SELECT
        cluster_id,
        arg_min({'day': start_date, 'precision': start_date_precision}, preference)
            FILTER (WHERE start_date IS NOT NULL) AS start,
        arg_min({'day': end_date, 'precision': end_date_precision}, preference)
            FILTER (WHERE end_date IS NOT NULL) AS finish,
        arg_min(phase, preference) FILTER (WHERE phase IS NOT NULL) AS phase,
        arg_min(is_active, preference) FILTER (WHERE coalesce(overall_status, 'UNKNOWN') <> 'UNKNOWN')
            AS is_active,
        arg_min(overall_status, preference) FILTER (WHERE coalesce(overall_status, 'UNKNOWN') <> 'UNKNOWN')
            AS overall_status,
        arg_min(is_industry_led, preference) FILTER (WHERE lead_sponsor_class IS NOT NULL) AS is_industry_led,
        arg_min(lead_sponsor, preference) FILTER (WHERE lead_sponsor IS NOT NULL) AS lead_sponsor,
        arg_min(lead_sponsor_class, preference) FILTER (WHERE lead_sponsor IS NOT NULL) AS lead_sponsor_class,
        arg_min(enrollment, preference) FILTER (WHERE enrollment IS NOT NULL) AS enrollment,
        arg_min({'modality': modality, 'cell_source': cell_source, 'target': target, 'cgt_role': cgt_role,
                 'cell_source_basis': cell_source_basis},
                (NOT is_cgt, preference))
            AS classification,
        count(DISTINCT registry_cluster_id) AS registrations
    FROM member
    GROUP BY cluster_id
),
flagged AS (
    SELECT
        cluster_id,
        start.day AS start_date,
        start.precision AS start_date_precision,
        year(start.day) AS start_year,
        finish.day AS completion_date,
        finish.precision AS completion_date_precision,
        year(finish.day) AS end_year,
        phase,
        is_active,
        overall_status,
        is_industry_led,
        lead_sponsor,
        lead_sponsor_class,
        enrollment,
        classification.modality AS modality,
        classification.cell_source AS cell_source,
        classification.target AS target,
        classification.cgt_role AS cgt_role,
        classification.cell_source_basis AS cell_source_basis,
        registrations,
        coalesce(overall_status, 'UNKNOWN') NOT IN ('WITHDRAWN', 'NOT_YET_RECRUITING') AS is_started,
        classification.modality <> 'not CGT' AS is_cgt,
        coalesce(classification.cgt_role, 'investigational') = 'investigational' AS counts_as_development
    FROM facts
)
SELECT *, is_cgt AND counts_as_development AND is_started AS is_counted
FROM flagged
ORDER BY cluster_id
