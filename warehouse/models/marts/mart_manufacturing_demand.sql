-- Grain: one row per region x year x manufacturing_model: what investigational CGT trials demand of
-- manufacturing. AN ESTIMATE (is_estimate): no registry reports batches made. Formulas (docs/manufacturing.md):
--   trials counted: CGT trials whose CGT is the investigational product (mart_cluster_countries
--     .counts_as_development), withdrawn ones left out; one trial (cluster) once however many registrations.
--   active years: start year to completion year (else primary completion). No completion date: an assumed
--     duration of 3 years (start year + 2), or to as_of_year if the trial is still active and started earlier
--     (trials_assumed_end counts these). as_of_year is the latest last-update year among the trials, so a
--     rebuild on the same data gives the same figures whatever the day; years after it are planned
--     (is_projection).
--   site share: the trial's sites in the region / its sites everywhere (a trial listing no site: region NULL,
--     share 1).
--   planned_patients = sum(enrollment x site share) over the trials active that year (whole enrolment, planned
--     or actual, as registered); patients_per_year = sum(enrollment x site share / number of active years).
--   patient_batches_per_year: for the per-patient model (autologous) only, one patient-specific batch per patient
--     treated, so = patients_per_year; NULL for batch models (a batch treats many).
--   trials_cell_source_default: trials whose cell source (and so their model) rests on the documented default,
--     not on their words; default_cell_source_share = trials_cell_source_default / trials_active.
-- year NULL: trials with no start year (their totals only; nothing per year). trials_without_enrollment: trials
-- that give no enrolment, counted in trials_active but adding no patients.
-- Columns:
--   region: NULL: trials that list no site
--   year: a year the trials are active (NULL: trials with no start year; totals only)
--   manufacturing_model: see `manufacturing_model(modality, cell_source)`
--   trials_active: investigational CGT trials (clusters, withdrawn left out) active that year with a site in the region
--   planned_patients: sum of enrolment x the trial's site share in the region
--   patients_per_year: sum of enrolment x site share / the trial's active years (NULL on the undated row)
--   patient_batches_per_year: per-patient model only: one patient-specific batch per patient, = `patients_per_year`;
--     NULL for batch models
--   trials_without_enrollment: trials that give no enrolment (counted, adding no patients)
--   trials_assumed_end: trials with no completion date whose active years are assumed (3 years, or to `as_of_year` if
--     still active)
--   trials_cell_source_default: trials whose cell source (so their model) is the documented default
--   default_cell_source_share: `trials_cell_source_default / trials_active`
--   is_projection: year after `as_of_year`: planned
--   as_of_year: the latest last-update year among the trials (no dependence on the build date)
--   is_estimate: always true
WITH as_of AS (
    SELECT max(try_cast(left(last_update_date, 4) AS INTEGER)) AS as_of_year FROM trials
),
cgt AS (
    SELECT *, manufacturing_model(modality, cell_source) AS manufacturing_model
    FROM mart_cluster_countries
    WHERE modality <> 'not CGT' AND counts_as_development AND coalesce(overall_status, '') <> 'WITHDRAWN'
),
cluster_sites AS (
    SELECT cluster_id, sum(sites) AS total_sites FROM cgt GROUP BY cluster_id
),
regional AS (
    SELECT
        cgt.cluster_id,
        cgt.region,
        min(cgt.manufacturing_model) AS manufacturing_model,
        min(cgt.cell_source_basis) AS cell_source_basis,
        min(cgt.enrollment) AS enrollment,
        min(cgt.start_year) AS start_year,
        CASE
            WHEN min(cgt.start_year) IS NULL THEN NULL
            WHEN min(cgt.end_year) >= min(cgt.start_year) THEN min(cgt.end_year)
            WHEN bool_or(cgt.is_active) THEN greatest(min(as_of.as_of_year), min(cgt.start_year) + 2)
            ELSE min(cgt.start_year) + 2
        END AS last_year,
        NOT coalesce(min(cgt.end_year) >= min(cgt.start_year), false) AS is_assumed_end,
        coalesce(sum(cgt.sites) / nullif(min(cluster_sites.total_sites), 0), 1) AS site_share
    FROM cgt
    JOIN cluster_sites USING (cluster_id)
    CROSS JOIN as_of
    GROUP BY cgt.cluster_id, cgt.region
),
trial_years AS (
    SELECT regional.*, unnest(range(start_year, last_year + 1)) AS year, last_year - start_year + 1 AS active_years
    FROM regional
    WHERE start_year IS NOT NULL
    UNION ALL
    SELECT regional.*, NULL AS year, NULL AS active_years
    FROM regional
    WHERE start_year IS NULL
)
SELECT
    trial_years.region,
    trial_years.year,
    trial_years.manufacturing_model,
    count(DISTINCT cluster_id) AS trials_active,
    round(sum(enrollment * site_share), 1) AS planned_patients,
    round(sum(enrollment * site_share / active_years), 1) AS patients_per_year,
    CASE WHEN is_per_patient_model(trial_years.manufacturing_model)
        THEN round(sum(enrollment * site_share / active_years), 1) END AS patient_batches_per_year,
    count(DISTINCT cluster_id) FILTER (WHERE enrollment IS NULL) AS trials_without_enrollment,
    count(DISTINCT cluster_id) FILTER (WHERE is_assumed_end AND year IS NOT NULL) AS trials_assumed_end,
    count(DISTINCT cluster_id) FILTER (WHERE cell_source_basis = 'default') AS trials_cell_source_default,
    round(count(DISTINCT cluster_id) FILTER (WHERE cell_source_basis = 'default') / count(DISTINCT cluster_id), 4)
        AS default_cell_source_share,
    trial_years.year > min(as_of.as_of_year) AS is_projection,
    min(as_of.as_of_year) AS as_of_year,
    true AS is_estimate
FROM trial_years
CROSS JOIN as_of
GROUP BY trial_years.region, trial_years.year, trial_years.manufacturing_model
ORDER BY trial_years.region, trial_years.year, trial_years.manufacturing_model
