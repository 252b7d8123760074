-- Grain: one row per CGT product (products.is_cgt) x jurisdiction (the approving agency's country_code, EU for EMA) where
-- it was approved: region, agency, the year of its first dated approval there (NULL: no date
-- published), and the product's modality: the approval_classification of its earliest approval anywhere
-- that the classifier places (else 'unclassified CGT'; two on the same date: the first by modality, then
-- cell source). Shared by the activity and manufacturing marts.
-- Columns:
--   product_id: the product
--   country_code: the approving agency's jurisdiction (`EU` for EMA)
--   region: that jurisdiction's region
--   agency: the approving agency
--   approval_year: the year of its first dated approval there (NULL: no date published)
--   approval_date: that approval's date as a DATE: the first day it can mean when the source gives only a month or a
--     year (see `approval_date_precision`)
--   approval_date_precision: `day`, `month` or `year`: how much of the date the source gives
--   modality: from `approval_classification` of its earliest classified approval
--   cell_source: as `modality`
WITH approved AS (
    SELECT matches.product_id, decisions.region, decisions.agency, decisions.country_code,
        decisions.decision_year, decisions.decision_date_low, decisions.decision_date_precision, classes.modality, classes.cell_source
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
    JOIN approval_classification AS classes ON classes.approval_id = matches.approval_id
    JOIN products USING (product_id)
    WHERE decisions.record_kind = 'approval' AND products.is_cgt
),
product_modality AS (
    SELECT product_id,
        arg_min({'modality': modality, 'cell_source': cell_source},
            (modality = 'unclassified CGT', decision_date_low IS NULL, decision_date_low, modality, cell_source))
            AS classification
    FROM approved
    GROUP BY product_id
)
SELECT
    approved.product_id,
    approved.country_code,
    min(approved.region) AS region,
    string_agg(DISTINCT approved.agency, ', ' ORDER BY approved.agency) AS agency,
    arg_min(approved.decision_year, (approved.decision_date_low, approved.decision_year))
        FILTER (WHERE approved.decision_date_low IS NOT NULL) AS approval_year,
    min(approved.decision_date_low) AS approval_date,
    arg_min(approved.decision_date_precision,
        (approved.decision_date_low, list_position(['day', 'month', 'year'], approved.decision_date_precision)))
        FILTER (WHERE approved.decision_date_low IS NOT NULL) AS approval_date_precision,
    min(product_modality.classification.modality) AS modality,
    min(product_modality.classification.cell_source) AS cell_source
FROM approved
JOIN product_modality USING (product_id)
GROUP BY approved.product_id, approved.country_code
ORDER BY region, approval_year, approved.product_id, approved.country_code
