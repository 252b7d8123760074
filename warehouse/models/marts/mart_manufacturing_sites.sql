-- Grain: one row per region x country where a commercial CGT manufacturing site is known (manufacturing_sites:
-- curated, each row with its public source). commercial_sites: distinct sites (by name) in the country; the
-- sites_* columns count distinct sites doing each step (a site may do several: the columns do not add up to
-- commercial_sites); products_made: distinct approved products with a site there; per_patient_products: of
-- those, products made per patient (product_manufacturing); source_urls: the pages stating it, in order.
WITH sites AS (
    SELECT manufacturing_sites.*, products.is_per_patient
    FROM manufacturing_sites
    LEFT JOIN product_manufacturing AS products USING (product_id)
)
SELECT
    sites.region,
    sites.country_code,
    min(countries."name") AS country,
    count(DISTINCT site_name) AS commercial_sites,
    count(DISTINCT site_name) FILTER (WHERE "role" = 'cell_processing') AS sites_cell_processing,
    count(DISTINCT site_name) FILTER (WHERE "role" = 'vector_manufacture') AS sites_vector_manufacture,
    count(DISTINCT site_name) FILTER (WHERE "role" IN ('drug_substance', 'drug_product', 'fill_finish', 'manufacture'))
        AS sites_other_manufacture,
    count(DISTINCT site_name) FILTER (WHERE "role" IN ('testing', 'batch_release')) AS sites_testing_release,
    count(DISTINCT product_id) AS products_made,
    count(DISTINCT product_id) FILTER (WHERE is_per_patient) AS per_patient_products,
    string_agg(DISTINCT display_name, ' | ' ORDER BY display_name) AS product_names,
    string_agg(DISTINCT source_url, ' ' ORDER BY source_url) AS source_urls
FROM sites
LEFT JOIN countries USING (country_code)
GROUP BY sites.region, sites.country_code
ORDER BY sites.region, sites.country_code
