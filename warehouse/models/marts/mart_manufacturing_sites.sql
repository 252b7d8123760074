-- Grain: one row per region x country where a commercial CGT manufacturing site is known (manufacturing_sites:
-- curated, each row with its public source) or an FDA-registered establishment of a CGT organisation is
-- (establishment_matches: sure matches that count as a CGT site, one organisation per establishment).
-- commercial_sites: distinct curated sites (by name) in the country; the sites_* columns count distinct sites doing
-- each step (a site may do several: they do not add up to commercial_sites); products_made: distinct approved
-- products with a site there; per_patient_products: of those, products made per patient (product_manufacturing);
-- source_urls: the pages stating it, in order. registered_cgt_org_sites: FDA-registered establishments of
-- organisations that sponsor CGT trials or hold CGT licences (registered_manufacture / registered_testing by the
-- operations they register); they belong to a CGT-active organisation, which does not mean they make a CGT product.
-- registered_cgt_sites: of those, the registrations kept to CGT (establishment_matches.is_cgt_registration: at a
-- curated CGT site of the same operator, with operations that fit cell or vector work). These are REGISTRATIONS, not
-- capacity: a registration says a site may make or test drugs for the US market, not what or how much.
-- registered_left_out: the CGT-active organisations' registrations that are left out (general pharma plants,
-- logistics and labs of firms that also do CGT, and CGT sites no curated row places in a city).
-- Columns:
--   region: the region
--   country_code: the country
--   country: its name
--   commercial_sites: distinct curated sites (by name) in the country
--   sites_cell_processing: of those, sites doing cell processing
--   sites_vector_manufacture: sites making viral vector
--   sites_other_manufacture: sites doing drug substance, drug product, fill/finish or unspecified manufacture
--   sites_testing_release: sites testing or releasing batches (a site may do several steps: these do not add up)
--   products_made: distinct approved products with a site there
--   per_patient_products: of those, products made per patient
--   product_names: their `display_name`s, ` | `-joined in order
--   source_urls: the pages that state it, space-separated, in order
--   registered_cgt_org_sites: FDA-registered establishments of organisations that sponsor CGT trials or hold CGT
--     licences (sure matches in `establishment_matches` that count as a CGT site, each once); a country with
--     registered establishments and no curated site has a row with the curated counts 0
--   registered_manufacture: of those, registering a manufacturing operation
--   registered_testing: of those, registering analysis (testing)
--   registered_cgt_sites: of `registered_cgt_org_sites`, the registrations kept to CGT (`is_cgt_registration`):
--     registrations, not capacity
--   registered_cgt_manufacture: of those, registering a manufacturing operation
--   registered_left_out: `registered_cgt_org_sites` - `registered_cgt_sites`: CGT-active organisations'
--     registrations that nothing places at a CGT site
WITH sites AS (
    SELECT manufacturing_sites.*, products.is_per_patient
    FROM manufacturing_sites
    LEFT JOIN product_manufacturing AS products USING (product_id)
),
curated AS (
    SELECT
        region,
        country_code,
        count(DISTINCT site_name) AS commercial_sites,
        count(DISTINCT site_name) FILTER (WHERE "role" = 'cell_processing') AS sites_cell_processing,
        count(DISTINCT site_name) FILTER (WHERE "role" = 'vector_manufacture') AS sites_vector_manufacture,
        count(DISTINCT site_name) FILTER (
            WHERE "role" IN ('drug_substance', 'drug_product', 'fill_finish', 'manufacture')) AS sites_other_manufacture,
        count(DISTINCT site_name) FILTER (WHERE "role" IN ('testing', 'batch_release')) AS sites_testing_release,
        count(DISTINCT product_id) AS products_made,
        count(DISTINCT product_id) FILTER (WHERE is_per_patient) AS per_patient_products,
        string_agg(DISTINCT display_name, ' | ' ORDER BY display_name) AS product_names,
        string_agg(DISTINCT source_url, ' ' ORDER BY source_url) AS source_urls
    FROM sites
    GROUP BY region, country_code
),
registered AS (
    SELECT
        region,
        country_code,
        count(DISTINCT establishment_id) AS registered_cgt_org_sites,
        count(DISTINCT establishment_id) FILTER (WHERE site_role = 'manufacture') AS registered_manufacture,
        count(DISTINCT establishment_id) FILTER (WHERE site_role = 'testing') AS registered_testing,
        count(DISTINCT establishment_id) FILTER (WHERE is_cgt_registration) AS registered_cgt_sites,
        count(DISTINCT establishment_id) FILTER (WHERE is_cgt_registration AND site_role = 'manufacture')
            AS registered_cgt_manufacture
    FROM establishment_matches
    WHERE confidence = 'sure' AND counts_as_cgt_site AND is_best_match
    GROUP BY region, country_code
)
SELECT
    coalesce(curated.region, registered.region) AS region,
    coalesce(curated.country_code, registered.country_code) AS country_code,
    countries."name" AS country,
    coalesce(curated.commercial_sites, 0) AS commercial_sites,
    coalesce(curated.sites_cell_processing, 0) AS sites_cell_processing,
    coalesce(curated.sites_vector_manufacture, 0) AS sites_vector_manufacture,
    coalesce(curated.sites_other_manufacture, 0) AS sites_other_manufacture,
    coalesce(curated.sites_testing_release, 0) AS sites_testing_release,
    coalesce(curated.products_made, 0) AS products_made,
    coalesce(curated.per_patient_products, 0) AS per_patient_products,
    curated.product_names,
    curated.source_urls,
    coalesce(registered.registered_cgt_org_sites, 0) AS registered_cgt_org_sites,
    coalesce(registered.registered_manufacture, 0) AS registered_manufacture,
    coalesce(registered.registered_testing, 0) AS registered_testing,
    coalesce(registered.registered_cgt_sites, 0) AS registered_cgt_sites,
    coalesce(registered.registered_cgt_manufacture, 0) AS registered_cgt_manufacture,
    coalesce(registered.registered_cgt_org_sites - registered.registered_cgt_sites, 0) AS registered_left_out
FROM curated
FULL OUTER JOIN registered USING (region, country_code)
LEFT JOIN countries ON countries.country_code = coalesce(curated.country_code, registered.country_code)
ORDER BY region, country_code
