-- Grain: one row per year x country x US state x action type: FDA compliance actions (warning letters,
-- injunctions, seizures) against unapproved cell-based products, as compliance_cell_products defines
-- them (Product Type Biologics and a cell-product firm by name pattern or curation). state is the US
-- state or territory as published (NULL outside the US); country_code NULL when the export gives none.
-- actions counts compliance-action rows (one per case and FEI); firms counts distinct legal names;
-- by_name_pattern and by_curated_firm split actions by the rule that kept them. One concrete measure of
-- how FDA polices unproven cell therapies; it says nothing of other regulators, of untitled letters
-- (not in the export) or of firms whose name does not show their products.
-- Columns:
--   year: year of the actions
--   country_code: ISO 3166-1 alpha-2 of the firm's country; NULL when the export gives none
--   country: the country as published
--   region: the country's region
--   state: US state or territory as published; NULL outside the US
--   action_type: Warning Letter, Injunction, Seizure
--   actions: compliance-action rows (one per case and FEI)
--   firms: distinct legal names
--   by_name_pattern: of the actions, those kept by the name pattern
--   by_curated_firm: those kept as a curated firm
--   firm_names: the legal names, sorted, `; `-separated
SELECT
    action_year AS "year",
    country_code,
    min(country) AS country,
    min(region) AS region,
    state,
    action_type,
    count(*) AS actions,
    count(DISTINCT legal_name) AS firms,
    count(*) FILTER (WHERE cell_product_basis = 'name pattern') AS by_name_pattern,
    count(*) FILTER (WHERE cell_product_basis = 'curated firm') AS by_curated_firm,
    string_agg(DISTINCT legal_name, '; ' ORDER BY legal_name) AS firm_names
FROM compliance_cell_products
WHERE is_cell_product
GROUP BY action_year, country_code, state, action_type
ORDER BY "year", country_code, state, action_type
