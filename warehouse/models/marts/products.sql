-- Grain: one row per product across agencies (decisions product_matches puts together).
-- canonical_name: the shortest published spelling of the substance key it was matched on (or of
-- its brand; two of the same length: the first by name); active_substance is NULL for products known
-- only by brand. display_name: the product as people write it, whichever sources loaded: its brand as
-- `display_brand` cuts it (no strength, dosage form or remark), the shortest in Latin script (ties: a
-- spelling in mixed case, then the earliest dated), in `people_case` ("Kymriah", "Encelto"); a product
-- with no brand reads as its shortest substance name, with its holder when it is keyed by holder (FDA's
-- unbranded cord-blood licences: "HPC, Cord Blood (Clinimmune Labs)"). is_cgt: false only when the
-- classifier named every approval of the product not CGT by a rule (siRNA and antisense drugs Swissmedic
-- files as gene therapy products, faecal microbiota); a product no rule placed stays in, as an agency
-- listed it as CGT.
-- Columns:
--   product_id: `p` + 12 hex digits of md5(product_key)
--   product_key: `substance:<name key>`, `brand:<brand key>` or `holder:<holder key>|<substance key>` (a product
--     with no brand and a substance name other brands share)
--   canonical_name: the shortest published spelling of the key it was matched on
--   active_substance: NULL for products known only by brand
--   brand_names: its brands, `; `-joined in order
--   agencies: agencies with a decision on it, `, `-joined in order
--   decisions: decisions matched to it
--   is_cgt: false when the classifier names every approval of the product not CGT by a rule (siRNA and antisense drugs
--     Swissmedic files as gene therapy products, faecal microbiota); every product mart, KPI and activity table counts
--     CGT products only
--   display_name: the product as people write it (`Kymriah`, `Encelto`), the same whichever sources loaded; a product
--     with no brand: its substance, with its holder when keyed by holder (`HPC, Cord Blood (Clinimmune Labs)`). Used by
--     the report, the dashboard and the marts' `product_names`
WITH matched AS (
    SELECT matches.product_id, matches.product_key, decisions.brand_name, decisions.agency,
        decisions.decision_date_low, decisions.holder, candidates.name AS key_name,
        display_brand(decisions.brand_name) AS label,
        coalesce(classes.modality = 'not CGT' AND classes.modality_rule <> 'no_rule_fired', false)
            AS ruled_not_cgt,
        nullif(trim(regexp_replace(coalesce(decisions.common_name, decisions.active_substance),
            '-[a-z]{4}$', '')), '') AS substance
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
    LEFT JOIN approval_classification AS classes ON classes.approval_id = matches.approval_id
    LEFT JOIN stg_product_candidates AS candidates
        ON candidates.record_id = matches.record_id
        AND 'substance:' || candidates.name_key = matches.product_key
),
named AS (
    SELECT
        product_id,
        min(product_key) AS product_key,
        coalesce(
            arg_min(lower(key_name), (length(key_name), lower(key_name))) FILTER (WHERE key_name IS NOT NULL),
            arg_min(brand_name, (length(brand_name), brand_name)) FILTER (WHERE brand_name IS NOT NULL)
        ) AS canonical_name,
        arg_min(lower(key_name), (length(key_name), lower(key_name))) FILTER (WHERE key_name IS NOT NULL)
            AS active_substance,
        string_agg(DISTINCT brand_name, '; ' ORDER BY brand_name) AS brand_names,
        string_agg(DISTINCT agency, ', ' ORDER BY agency) AS agencies,
        count(*) AS decisions,
        NOT bool_and(ruled_not_cgt) AS is_cgt,
        arg_min(label, (NOT regexp_matches(label, '[A-Za-z]'), length(label),
            label = upper(label) OR label = lower(label), decision_date_low IS NULL, decision_date_low, label))
            FILTER (WHERE label IS NOT NULL) AS first_brand,
        min(holder) FILTER (WHERE product_key LIKE 'holder:%') AS keyed_holder,
        arg_min(substance, (length(substance), length(regexp_replace(substance, '[^A-Z]', '', 'g')), substance))
            FILTER (WHERE substance IS NOT NULL)
            AS short_substance
    FROM matched
    GROUP BY product_id
),
shortened AS (
    SELECT *,
        CASE WHEN length(short_substance) <= 60 THEN short_substance
            ELSE regexp_replace(left(short_substance, 60), '\s+\S*$', '') || '…' END AS substance_label
    FROM named
)
SELECT
    product_id, product_key, canonical_name, active_substance, brand_names, agencies, decisions, is_cgt,
    CASE
        WHEN first_brand IS NOT NULL THEN people_case(first_brand)
        ELSE coalesce(substance_label, canonical_name) || coalesce(' (' || keyed_holder || ')', '')
    END AS display_name
FROM shortened
ORDER BY product_id
