-- Grain: one row per unsure establishment x organisation pair of establishment_matches (a token-prefix
-- match: one name is the other plus words). These are never counted as CGT sites; a reviewer confirms
-- one by adding the firm's spelling to warehouse/curated/organisation_aliases.csv (with the https page
-- stating the ownership), which makes the pair an 'alias' match on the next build.
-- Columns:
--   *: as in establishment_matches
SELECT
    organisation_id,
    organisation_name,
    establishment_id,
    fei_number,
    firm_name,
    registrant_name,
    country_code,
    site_role,
    evidence,
    organisation_cgt_trials,
    organisation_cgt_products
FROM establishment_matches
WHERE confidence = 'unsure'
ORDER BY organisation_id, establishment_id
