-- Grain: one row per FDA compliance action (compliance_actions) whose Product Type is Biologics, with
-- whether it is enforcement against an unapproved cell-based product and why. The Data Dashboard has no
-- product field finer than Product Type, so the rule reads the firm:
--   'name pattern'  the legal name says stem cell (stem, stemcell, cryostem), cell/cellular/Celltex,
--                   exosome, cord (blood or bank), umbilical, amniotic/amnio, placenta, Wharton, mesenchymal,
--                   regenerative (or "Regenative"), HCT/P or birth tissue;
--   'curated firm'  the firm is one FDA warned for unapproved cell- or birth-tissue-derived products
--                   (umbilical cord blood, Wharton's jelly, amniotic fluid, exosomes), listed below, each with
--                   the https page of the warning letter or a report quoting it.
-- Every other Biologics action gets a category saying what it is instead, by name: 'reproductive tissue'
-- (fertility, IVF, reproductive medicine, sperm, andrology: donor-eligibility letters on HCT/Ps that are
-- not cell therapies), 'blood or plasma', 'IRB or investigator' (clinical-investigation letters), 'eye or
-- tissue bank', else 'other biologic' (vaccines, allergenics, in vitro diagnostics, unnamed HCT/P firms).
-- A firm that sells unapproved cell products under a name saying none of this, and that is not
-- curated, is missed: see docs/sources.md, "fda_compliance", for the measured list.
-- Columns:
--   *: as in compliance_actions
--   action_year: year of `action_date`
--   is_cell_product: the action is against an unapproved cell-based product (by name pattern or curated firm)
--   cell_product_basis: `name pattern` or `curated firm`; NULL when not
--   category: `cell-based product`, `reproductive tissue`, `blood or plasma`, `IRB or investigator`, `eye or tissue
--     bank`, `other biologic`
--   evidence: for a curated firm: the product FDA named and the https page
WITH curated_firms (firm_name, product, source_url) AS (
    VALUES
    ('Liveyon Labs Inc', 'umbilical cord blood products PURE and PURE PRO',
        'https://www.washingtonpost.com/health/2019/12/06/fda-warns-liveyon-selling-unapproved-umbilical-cord-blood-products/'),
    ('Kimera Labs Inc', 'exosome products XoGlo and XoGloPro, amniotic fluid product Amnio2X',
        'https://einpresswire.com/article-print/656475101/kimera-labs-inc-649343-09-01-2023'),
    ('Invitrx Therapeutics Inc.', 'umbilical cord derived cellular product Invitra UC-MSC, exosome products',
        'https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters/invitrx-therapeutics-inc-630712-11092022'),
    ('Predictive Biotech, Inc.', 'umbilical cord derived HCT/P CoreCyte',
        'https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters/predictive-biotech-608322-08172020'),
    ('PA Green Wellness LLC', 'umbilical cord derived HCT/P CoreCyte',
        'https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters/pa-green-wellness-llc-dba-predictive-biotech-certified-facility-608144-08172020'),
    ('Neobiosis LLC', 'amniotic fluid and umbilical cord (Wharton''s jelly) derived products',
        'https://fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters/neobiosis-llc-662985-06052024'),
    ('Vitti Labs, LLC', 'umbilical cord and amniotic membrane derived products',
        'https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/warning-letters/vitti-labs-llc-627699-07282022'),
    ('Genetech Inc', 'umbilical cord blood products (ReGen Series)', 'https://www.isass.org/news/page/38/'),
    ('EUCYT Laboratories LLC', 'exosome product', 'https://ipscell.com/category/fda/page/2/')
),
biologics AS (
    SELECT actions.*, lower(actions.legal_name) AS folded,
        curated.firm_name AS curated_firm, curated.product AS curated_product, curated.source_url
    FROM compliance_actions AS actions
    LEFT JOIN curated_firms AS curated ON organisation_key(curated.firm_name) = organisation_key(actions.legal_name)
    WHERE actions.product_type = 'Biologics'
),
ruled AS (
    SELECT *,
        regexp_matches(folded, '\bstem\b|\bstem ?cells?\b|\bstem[a-z]|cryostem|\bcell(s|ular|tex)?\b|exosom'
            || '|\bcord\b|umbilical|amnio|placent|wharton|mesenchymal|regenerat|regenative|hct/?p|birth tissue')
            AS by_name,
        curated_firm IS NOT NULL AS by_curation
    FROM biologics
)
SELECT
    action_id,
    case_id,
    fei_number,
    legal_name,
    state,
    country,
    country_code,
    region,
    action_date,
    year(action_date::DATE) AS action_year,
    action_type,
    by_name OR by_curation AS is_cell_product,
    CASE WHEN by_name THEN 'name pattern' WHEN by_curation THEN 'curated firm' END AS cell_product_basis,
    CASE
        WHEN by_name OR by_curation THEN 'cell-based product'
        WHEN regexp_matches(folded, 'fertility|ivf|reproduct|sperm|androlog|cryos\b|infertility|family beginnings')
            THEN 'reproductive tissue'
        WHEN regexp_matches(folded, 'blood|plasma|fenwal|octapharma|baxalta|baxter|adma|bloodworks|prothya|caf-dcf|caf-daf')
            THEN 'blood or plasma'
        WHEN regexp_matches(folded, '\birb\b|review board|review committee|\birc\b|\bm\.?d\.?\b|ph\.?d|\bdo pa\b')
            THEN 'IRB or investigator'
        WHEN regexp_matches(folded, 'eye bank|tissue bank|transplant|sight|musculoskeletal|rti ')
            THEN 'eye or tissue bank'
        ELSE 'other biologic'
    END AS category,
    CASE
        WHEN by_name THEN 'legal name matches the cell-product pattern'
        WHEN by_curation THEN 'FDA warned ' || curated_firm || ' for ' || curated_product || ' (' || source_url || ')'
    END AS evidence
FROM ruled
ORDER BY action_date, action_id
