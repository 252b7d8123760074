-- Grain: one row per region x year x manufacturing_model: what investigational CGT trials demand of
-- manufacturing. AN ESTIMATE (is_estimate): no registry reports batches made. Formulas (docs/manufacturing.md):
--   trials counted: CGT trials whose CGT is the investigational product (mart_cluster_countries
--     .counts_as_development), withdrawn ones left out; one trial (cluster) once however many registrations.
--     Trials not yet recruiting are not counted as patients treated: their planned enrolment is counted apart
--     (trials_not_yet_recruiting, not_yet_recruiting_patients_per_year) as planned demand.
--   active years: start year to completion year (else primary completion) when one is known. No completion date:
--     a trial still recruiting (RECRUITING, ENROLLING_BY_INVITATION) runs to as_of_year, and no further; any
--     other an assumed 3 years (start year + 2), cut at as_of_year unless it is still active (trials_assumed_end
--     counts both). A status that says active is not a date: it stretches no trial to the as-of year unless it
--     is recruiting. as_of_date is the latest last-update date among the trials, so a rebuild on the same data
--     gives the same figures whatever the day; years after it are planned (is_projection) and its own year is
--     partial (is_partial_year: only the months to as_of_date are in the registries).
--   site share: the trial's sites in the region / its sites everywhere (a trial listing no site: region NULL,
--     share 1).
--   planned_patients = sum(enrollment x site share) over the trials active that year (whole enrolment, planned
--     or actual, as registered); patients_per_year = sum(enrollment x site share / number of active years), where
--     a recruiting trial without a completion date spreads its enrolment over at least the assumed 3 years (its
--     years after as_of_year are not listed: not projected, and not crammed into the years so far).
--   patient_batches_per_year: for the per-patient model (autologous) only, one patient-specific batch per patient
--     treated, so = patients_per_year; NULL for batch models (a batch treats many).
--   trials_cell_source_default: trials whose cell source (and so their model) rests on the documented default,
--     not on their words; default_cell_source_share = trials_cell_source_default / trials_active.
-- year NULL: trials with no start year (their totals only; nothing per year). trials_without_enrollment: trials
-- that give no enrolment, counted in trials_active but adding no patients. Where the trials are likely made:
-- trial_manufacturing_region (one row per trial), not here.
-- Columns:
--   region: NULL: trials that list no site
--   year: a year the trials are active (NULL: trials with no start year; totals only)
--   manufacturing_model: see `manufacturing_model(modality, cell_source)`
--   trials_active: investigational CGT trials (clusters, withdrawn and not yet recruiting left out) active that year
--     with a site in the region
--   planned_patients: sum of enrolment x the trial's site share in the region
--   patients_per_year: sum of enrolment x site share / the trial's active years (at least 3 for a recruiting trial
--     without a completion date); NULL on the undated row
--   patient_batches_per_year: per-patient model only: one patient-specific batch per patient, = `patients_per_year`;
--     NULL for batch models
--   trials_without_enrollment: trials that give no enrolment (counted, adding no patients)
--   trials_assumed_end: trials with no completion date whose active years are assumed (3 years, or to `as_of_year`
--     while recruiting)
--   trials_cell_source_default: trials whose cell source (so their model) is the documented default
--   default_cell_source_share: `trials_cell_source_default / trials_active`
--   trials_not_yet_recruiting: trials not yet recruiting planned for that year (start year to completion, else an
--     assumed 3 years): planned demand, not in `trials_active`
--   not_yet_recruiting_patients_per_year: their planned enrolment x site share / their planned years
--   is_projection: year after `as_of_year`: planned
--   is_partial_year: the year of `as_of_date`: the registries hold only part of it
--   as_of_year: the year of `as_of_date`
--   as_of_date: the latest last-update date among the trials (no dependence on the build date)
--   is_estimate: always true
WITH as_of AS (
    SELECT max(try_cast(left(last_update_date, 4) AS INTEGER)) AS as_of_year,
        max(last_update_date) FILTER (WHERE try_cast(left(last_update_date, 4) AS INTEGER) IS NOT NULL) AS as_of_date
    FROM trials
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
        coalesce(min(cgt.overall_status) = 'NOT_YET_RECRUITING', false) AS is_not_yet_recruiting,
        CASE
            WHEN min(cgt.start_year) IS NULL THEN NULL
            WHEN min(cgt.end_year) >= min(cgt.start_year) THEN min(cgt.end_year)
            WHEN min(cgt.overall_status) IN ('RECRUITING', 'ENROLLING_BY_INVITATION')
                THEN greatest(min(as_of.as_of_year), min(cgt.start_year))
            WHEN min(cgt.overall_status) IN ('NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING') THEN min(cgt.start_year) + 2
            ELSE greatest(least(min(cgt.start_year) + 2, min(as_of.as_of_year)), min(cgt.start_year))
        END AS last_year,
        -- the years its enrolment is spread over: its active years, but at least the assumed 3 for a recruiting
        -- trial without a completion date (it is not done at as_of_year: its whole enrolment is not in the past)
        CASE
            WHEN min(cgt.end_year) >= min(cgt.start_year) THEN min(cgt.end_year) - min(cgt.start_year) + 1
            WHEN min(cgt.overall_status) IN ('RECRUITING', 'ENROLLING_BY_INVITATION')
                THEN greatest(min(as_of.as_of_year) - min(cgt.start_year) + 1, 3)
        END AS recruiting_spread_years,
        NOT coalesce(min(cgt.end_year) >= min(cgt.start_year), false) AS is_assumed_end,
        coalesce(sum(cgt.sites) / nullif(min(cluster_sites.total_sites), 0), 1) AS site_share
    FROM cgt
    JOIN cluster_sites USING (cluster_id)
    CROSS JOIN as_of
    GROUP BY cgt.cluster_id, cgt.region
),
trial_years AS (
    SELECT regional.*, unnest(range(start_year, last_year + 1)) AS year,
        coalesce(recruiting_spread_years, last_year - start_year + 1) AS active_years
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
    count(DISTINCT cluster_id) FILTER (WHERE NOT is_not_yet_recruiting) AS trials_active,
    coalesce(round(sum(enrollment * site_share) FILTER (WHERE NOT is_not_yet_recruiting), 1), 0)
        AS planned_patients,
    -- 0, not NULL, on a dated row whose trials are all not yet recruiting; NULL only on the undated row
    CASE WHEN trial_years.year IS NOT NULL THEN coalesce(round(
        sum(enrollment * site_share / active_years) FILTER (WHERE NOT is_not_yet_recruiting), 1), 0)
    END AS patients_per_year,
    CASE WHEN is_per_patient_model(trial_years.manufacturing_model) AND trial_years.year IS NOT NULL
        THEN coalesce(round(
            sum(enrollment * site_share / active_years) FILTER (WHERE NOT is_not_yet_recruiting), 1), 0)
    END AS patient_batches_per_year,
    count(DISTINCT cluster_id) FILTER (WHERE enrollment IS NULL AND NOT is_not_yet_recruiting)
        AS trials_without_enrollment,
    count(DISTINCT cluster_id) FILTER (WHERE is_assumed_end AND year IS NOT NULL AND NOT is_not_yet_recruiting)
        AS trials_assumed_end,
    count(DISTINCT cluster_id) FILTER (WHERE cell_source_basis = 'default' AND NOT is_not_yet_recruiting)
        AS trials_cell_source_default,
    round(count(DISTINCT cluster_id) FILTER (WHERE cell_source_basis = 'default' AND NOT is_not_yet_recruiting)
        / nullif(count(DISTINCT cluster_id) FILTER (WHERE NOT is_not_yet_recruiting), 0), 4)
        AS default_cell_source_share,
    count(DISTINCT cluster_id) FILTER (WHERE is_not_yet_recruiting) AS trials_not_yet_recruiting,
    round(sum(enrollment * site_share / active_years) FILTER (WHERE is_not_yet_recruiting), 1)
        AS not_yet_recruiting_patients_per_year,
    trial_years.year > min(as_of.as_of_year) AS is_projection,
    coalesce(trial_years.year = min(as_of.as_of_year), false) AS is_partial_year,
    min(as_of.as_of_year) AS as_of_year,
    min(as_of.as_of_date) AS as_of_date,
    true AS is_estimate
FROM trial_years
CROSS JOIN as_of
GROUP BY trial_years.region, trial_years.year, trial_years.manufacturing_model
ORDER BY trial_years.region, trial_years.year, trial_years.manufacturing_model
