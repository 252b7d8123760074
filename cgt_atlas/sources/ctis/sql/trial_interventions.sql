-- trial_interventions: one row per product of Part I, in the record's order. Name: productName,
-- else the dictionary's product name, else its active substance ("N/A" is no name). Type: an
-- advanced therapy (anAdvancedTherapyMedicinalProduct) or a product with a non-chemical active
-- substance -> BIOLOGICAL; else DRUG (every CTIS product is a medicinal product). The role (Test,
-- Placebo, Comparator, ...) comes from productRoleGroupInfos.
WITH product AS (
    SELECT trial_id, fetch_seq, p1, unnest(p1.products) AS prod, generate_subscripts(p1.products, 1) AS position
    FROM ctis_record
),
named AS (
    SELECT
        trial_id, fetch_seq, position, prod,
        list_filter(
            [prod.productName, prod.nameDisplay, prod.productDictionaryInfo.prodName,
             prod.productDictionaryInfo.activeSubstanceName, prod.jsonActiveSubstanceNames],
            lambda x: nullif(trim(x), '') IS NOT NULL AND upper(trim(x)) NOT IN ('N/A', 'NA')
        ) AS names,
        (
            SELECT string_agg(DISTINCT g.productRoleName, ', ' ORDER BY g.productRoleName)
            FROM unnest(p1.productRoleGroupInfos) AS t(g)
            WHERE list_contains(list_transform(g.products, lambda x: x.id), prod.id)
        ) AS role
    FROM product
)
SELECT
    trial_id,
    position::BIGINT AS intervention_index,
    CASE
        WHEN prod.anAdvancedTherapyMedicinalProduct THEN 'BIOLOGICAL'
        WHEN len(list_filter(
            prod.productDictionaryInfo.productSubstances,
            lambda s: s.actSubstOrigin IS NOT NULL AND lower(s.actSubstOrigin) <> 'chemical'
        )) > 0 THEN 'BIOLOGICAL'
        ELSE 'DRUG'
    END AS intervention_type,
    trim(names[1]) AS "name",
    nullif(concat_ws('; ', 'Role: ' || role, 'Pharmaceutical form: ' || prod.pharmaceuticalFormDisplay), '')
        AS description,
    list_distinct(list_filter(
        list_transform(
            [prod.productDictionaryInfo.prodName, prod.productDictionaryInfo.activeSubstanceName,
             prod.productDictionaryInfo.sponsorProductCode],
            lambda x: trim(x)
        ),
        lambda x: nullif(x, '') IS NOT NULL AND upper(x) NOT IN ('N/A', 'NA') AND x <> trim(names[1])
    )) AS other_names,
    fetch_seq
FROM named
