-- Grain: one row per cluster (one real-world trial, see trial_clusters) x country where any of
-- its records has a site; a cluster none of whose records lists a site has one row with country_code and
-- region NULL, so that it is counted (as "no site listed") and never silently dropped. start_year, phase, is_active and is_industry_led come from the
-- preferred record, or from the next record in preference order that gives them. sites: the
-- most sites any one record lists in that country (registries repeat the same sites; EUCTR and
-- ICTRP list a country once), so a trial held by three registries is not counted three times.
-- modality, cell_source, target: the classification (trial_classification) of the preferred record
-- that is CGT, else the preferred record's ('not CGT'): one modality per cluster, so marts add up.
-- lead_sponsor: the preferred record's that names one; end_year: its completion (else primary
-- completion) year; overall_status: the preferred record's that is known; is_started: not withdrawn and
-- not yet recruiting (an unknown status counts as started), what the activity marts count as started. preference is unique within a cluster, so every arg_min below has one winner;
-- the cluster_facts columns are one value per cluster, taken with min() once joined per country.
-- registrations: the registrations the cluster counts once (distinct registry_cluster_id of its records):
-- 1, or more when probable duplicate registrations were merged into it.
-- cgt_role: the role of the CGT in the cluster (trial_classification.cgt_role of the record the modality comes
-- from; NULL when not CGT); counts_as_development: not CGT, or CGT as the investigational product. Activity
-- marts count these; follow-up and population trials are counted apart. cell_source_basis: how the cell source
-- is known (explicit, named product, default); enrollment: the preferred record's that gives one (planned or
-- actual patients, the whole trial's, in every country row).
-- Columns:
--   cluster_id: the cluster (`trial_clusters.cluster_id`)
--   country_code: ISO 3166-1 alpha-2; NULL for the row of a cluster none of whose records lists a site
--   country: the country's name; NULL as `country_code`
--   region: the country's region; NULL as `country_code`
--   start_year: from the preferred record, else the next record in preference order that gives it
--   phase: as `start_year`
--   is_active: as `start_year`, ignoring `UNKNOWN` statuses
--   is_industry_led: as `start_year`
--   sites: the most sites any one record lists in that country (0 on the no-site row)
--   modality, cell_source, target: the classification of the cluster's preferred CGT record, else of its preferred
--     record
--   lead_sponsor: the preferred record's that names one
--   lead_sponsor_class: that record's sponsor class
--   end_year: completion year, else primary completion year
--   overall_status: the preferred record's known status
--   is_started: not withdrawn and not yet recruiting (an unknown status counts as started): what the activity marts
--     count in `trials_started`
--   registrations: the registrations the cluster counts once (distinct `registry_cluster_id` of its records): 1, or
--     more when probable duplicates were merged into it
--   cgt_role: the `trial_classification.cgt_role` of the record the modality comes from; NULL when not CGT
--   counts_as_development: not CGT, or CGT as the investigational product: what the activity marts count
--   cell_source_basis: how the cell source is known (`explicit`, `named product`, `default`)
--   enrollment: the preferred record's that gives one (planned or actual patients, the whole trial's, in every country
--     row)
WITH member AS (
    SELECT clusters.cluster_id, clusters.preference, clusters.registry_cluster_id, trials.*, classes.is_cgt, classes.modality,
        classes.cell_source, classes.target, classes.cgt_role, classes.cell_source_basis,
        try_cast(left(coalesce(trials.completion_date, trials.primary_completion_date), 4) AS INTEGER) AS end_year
    FROM trial_clusters AS clusters
    JOIN stg_trials AS trials USING (trial_id)
    JOIN trial_classification AS classes USING (trial_id)
),
cluster_facts AS (
    SELECT
        cluster_id,
        arg_min(start_year, preference) FILTER (WHERE start_year IS NOT NULL) AS start_year,
        arg_min(phase, preference) FILTER (WHERE phase IS NOT NULL) AS phase,
        arg_min(is_active, preference) FILTER (WHERE coalesce(overall_status, 'UNKNOWN') <> 'UNKNOWN')
            AS is_active,
        arg_min(is_industry_led, preference) FILTER (WHERE lead_sponsor_class IS NOT NULL) AS is_industry_led,
        arg_min(overall_status, preference) FILTER (WHERE coalesce(overall_status, 'UNKNOWN') <> 'UNKNOWN')
            AS overall_status,
        arg_min(lead_sponsor, preference) FILTER (WHERE lead_sponsor IS NOT NULL) AS lead_sponsor,
        arg_min(lead_sponsor_class, preference) FILTER (WHERE lead_sponsor IS NOT NULL) AS lead_sponsor_class,
        arg_min(end_year, preference) FILTER (WHERE end_year IS NOT NULL) AS end_year,
        arg_min(enrollment, preference) FILTER (WHERE enrollment IS NOT NULL) AS enrollment,
        arg_min({'modality': modality, 'cell_source': cell_source, 'target': target, 'cgt_role': cgt_role,
                 'cell_source_basis': cell_source_basis},
                (NOT is_cgt, preference))
            AS classification,
        count(DISTINCT registry_cluster_id) AS registrations
    FROM member
    GROUP BY cluster_id
),
record_country AS (
    SELECT clusters.cluster_id, sites.trial_id, sites.country_code, min(sites.country) AS country,
        min(sites.region) AS region, count(*) AS sites
    FROM stg_trial_sites AS sites
    JOIN trial_clusters AS clusters USING (trial_id)
    GROUP BY clusters.cluster_id, sites.trial_id, sites.country_code
    UNION ALL
    SELECT cluster_id, NULL, NULL, NULL, NULL, 0
    FROM cluster_facts
    WHERE cluster_id NOT IN (
        SELECT clusters.cluster_id FROM stg_trial_sites JOIN trial_clusters AS clusters USING (trial_id)
    )
)
SELECT
    cluster_id,
    country_code,
    min(country) AS country,
    min(region) AS region,
    min(cluster_facts.start_year) AS start_year,
    min(cluster_facts.phase) AS phase,
    min(cluster_facts.is_active) AS is_active,
    min(cluster_facts.is_industry_led) AS is_industry_led,
    max(sites) AS sites,
    min(cluster_facts.classification.modality) AS modality,
    min(cluster_facts.classification.cell_source) AS cell_source,
    min(cluster_facts.classification.target) AS target,
    min(cluster_facts.lead_sponsor) AS lead_sponsor,
    min(cluster_facts.lead_sponsor_class) AS lead_sponsor_class,
    min(cluster_facts.end_year) AS end_year,
    min(cluster_facts.overall_status) AS overall_status,
    coalesce(min(cluster_facts.overall_status), 'UNKNOWN') NOT IN ('WITHDRAWN', 'NOT_YET_RECRUITING')
        AS is_started,
    min(cluster_facts.registrations) AS registrations,
    min(cluster_facts.classification.cgt_role) AS cgt_role,
    coalesce(min(cluster_facts.classification.cgt_role), 'investigational') = 'investigational'
        AS counts_as_development,
    min(cluster_facts.classification.cell_source_basis) AS cell_source_basis,
    min(cluster_facts.enrollment) AS enrollment
FROM record_country
JOIN cluster_facts USING (cluster_id)
GROUP BY cluster_id, country_code
ORDER BY cluster_id, country_code
