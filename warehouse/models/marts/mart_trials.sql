-- Grain: one row per counted trial (key: cluster_id): every cluster trial_cluster_facts.is_counted marks (started
-- investigational CGT trials), one real-world trial however many registries list it. count(*) here is the report's
-- headline; the activity marts count the same trials per country, region and year (a trial with sites in two
-- regions is in both there, once here). Built for notebooks and BI: ids, titles and registry links of every record
-- of the trial, its dates as DATE with their precision, phase, classification, lead organisation (the sponsor
-- mapped to its parent, sponsor_organisations) with its headquarters region, and where it runs.
-- Columns:
--   cluster_id: the trial: the `trial_id` of its preferred record (`trial_clusters`)
--   trial_ids: every registration of the trial (its records' `trial_id`), preferred first
--   registries: the registries of those records, in the same order
--   title: the preferred record's brief title (else the next record's that gives one)
--   official_title: as `title`, the official title
--   registry_url: the preferred record's public page (`trials.source_url`)
--   registry_urls: the public pages of all its records, in `trial_ids` order
--   start_date: the trial's start date (DATE; a month or a year given alone: its first day)
--   start_date_precision: `day`, `month` or `year`: how much of `start_date` the registry gave
--   start_year: year of `start_date`; NULL: no record gives a start date
--   completion_date: the completion date, else the primary completion date (DATE, as `start_date`)
--   completion_date_precision: as `start_date_precision`, of `completion_date`
--   phase: the registry's phase code (`PHASE1/PHASE2`, `NA`, ...)
--   phase_label: the phase as people write it (`Phase 1/2`, `Not applicable`)
--   overall_status: the trial's known status
--   is_active: the status is an active one (`stg_trials.is_active`)
--   modality: the trial's primary CGT modality (docs/classifier.md)
--   cell_source: where its cells come from (`autologous`, `allogeneic`, ...; NULL for products that are not cells)
--   cell_source_basis: how the cell source is known (`explicit`, `named product`, `default`)
--   cgt_role: always `investigational` here (follow-up and population trials are not counted)
--   target: the classifier's target
--   lead_sponsor: the lead sponsor as the registry writes it
--   lead_sponsor_class: the registry's sponsor class (`INDUSTRY`, `OTHER`, ...)
--   is_industry_led: the lead sponsor's class is `INDUSTRY`
--   lead_organisation_id: the lead sponsor's organisation (`sponsor_organisations`: a curated parent, else the
--     sponsor itself); NULL: no lead sponsor named
--   lead_organisation: that organisation's name (Kite Pharma -> Gilead Sciences)
--   lead_organisation_type: `industry`, `academic_or_hospital`, `government`, `other`
--   hq_country_code: the organisation's headquarters country (by `country_rule`, docs/organisations.md); NULL: not
--     known
--   hq_region: the region of `hq_country_code`
--   enrollment: planned or actual patients, the whole trial's
--   registrations: the registrations counted once as this trial (more than 1: probable duplicates merged in)
--   country_codes: the countries where any of its records lists a site (ISO 3166-1 alpha-2, sorted); empty: no site
--     listed
--   countries: their names, in the same order
--   regions: the distinct regions of those countries, sorted
--   sites: its sites, summed over its countries (per country the most sites one record lists there)
WITH counted AS (
    SELECT * FROM trial_cluster_facts WHERE is_counted
),
records AS (
    SELECT
        clusters.cluster_id,
        list(clusters.trial_id ORDER BY clusters.preference) AS trial_ids,
        list(clusters.registry ORDER BY clusters.preference) AS registries,
        list(trials.source_url ORDER BY clusters.preference) FILTER (WHERE trials.source_url IS NOT NULL)
            AS registry_urls,
        arg_min(trials.source_url, clusters.preference) FILTER (WHERE trials.source_url IS NOT NULL)
            AS registry_url,
        arg_min(trials.title, clusters.preference) FILTER (WHERE trials.title IS NOT NULL) AS title,
        arg_min(trials.official_title, clusters.preference) FILTER (WHERE trials.official_title IS NOT NULL)
            AS official_title
    FROM trial_clusters AS clusters
    JOIN trials USING (trial_id)
    WHERE clusters.cluster_id IN (SELECT cluster_id FROM counted)
    GROUP BY clusters.cluster_id
),
places AS (
    SELECT
        cluster_id,
        list(country_code ORDER BY country_code) FILTER (WHERE country_code IS NOT NULL) AS country_codes,
        list(country ORDER BY country_code) FILTER (WHERE country_code IS NOT NULL) AS countries,
        list(DISTINCT region ORDER BY region) FILTER (WHERE region IS NOT NULL) AS regions,
        sum(sites)::BIGINT AS sites
    FROM mart_cluster_countries
    WHERE is_counted
    GROUP BY cluster_id
)
SELECT
    counted.cluster_id,
    records.trial_ids,
    records.registries,
    records.title,
    records.official_title,
    records.registry_url,
    coalesce(records.registry_urls, []) AS registry_urls,
    counted.start_date,
    counted.start_date_precision,
    counted.start_year,
    counted.completion_date,
    counted.completion_date_precision,
    counted.phase,
    phase_label(counted.phase) AS phase_label,
    counted.overall_status,
    counted.is_active,
    counted.modality,
    counted.cell_source,
    counted.cell_source_basis,
    counted.cgt_role,
    counted.target,
    counted.lead_sponsor,
    counted.lead_sponsor_class,
    counted.is_industry_led,
    orgs.organisation_id AS lead_organisation_id,
    orgs.organisation_name AS lead_organisation,
    orgs.org_type AS lead_organisation_type,
    orgs.country_code AS hq_country_code,
    orgs.region AS hq_region,
    counted.enrollment,
    counted.registrations,
    coalesce(places.country_codes, []) AS country_codes,
    coalesce(places.countries, []) AS countries,
    coalesce(places.regions, []) AS regions,
    coalesce(places.sites, 0)::BIGINT AS sites
FROM counted
JOIN records USING (cluster_id)
LEFT JOIN places USING (cluster_id)
LEFT JOIN name_keys AS keys ON keys."name" = counted.lead_sponsor
LEFT JOIN sponsor_organisations AS orgs ON orgs.sponsor_key = keys.name_key
ORDER BY counted.cluster_id
