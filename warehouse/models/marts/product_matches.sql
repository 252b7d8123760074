-- Grain: one row per agency decision (approval or application not granted), with the product it
-- belongs to and why. A decision joins a product on a specific substance key: first one that another
-- agency's decision of the same brand shares (the brand and the substance agree), then the most shared
-- (ties: active substance before common name); with none, on its normalised brand name. A decision whose
-- brand another agency approved under a longer description of the same substance ("autologous cultured
-- chondrocytes" beside "autologous cultured chondrocytes on porcine collagen membrane", both MACI) may take
-- that description's key, so a generic substance shared with another brand (Carticel) does not pull it away.
-- Unsure cases are listed in the review mart, never merged by guess.
-- Columns:
--   record_id: the decision
--   approval_id: its approval; NULL for applications not granted
--   record_kind: `approval` or `application_not_granted`
--   product_id: the product it belongs to (its `product_id`)
--   product_key: that product's key
--   matched_on: `active_substance`, `common_name`, `active_substance_in_brackets`, `active_substance_latin_inn`,
--     `brand_and_substance` (the key of another agency's decision of the same brand, whose substance contains
--     this decision's), `brand_and_inn_spelling` (the key of another agency's decision of the same brand, the same INN
--     spelled one letter apart per word: Swissmedic's "brexucaptagenum autoleucelum"), `brand_name`, or
--     `holder_and_substance` (no brand, and a substance other brands share: FDA's unbranded cord-blood licences)
--   evidence: the published name, its key, and how many agencies name it
WITH candidates AS (
    SELECT record_id, agency, brand_key, priority, field, name, name_key, agencies,
        format('{} "{}" normalises to "{}", named by {} agenc{}', field, name, name_key, agencies,
            CASE WHEN agencies = 1 THEN 'y' ELSE 'ies' END) AS evidence
    FROM stg_product_candidates
    WHERE NOT is_generic
),
-- The same brand at another agency, with a substance that contains all the words of one of this decision's.
refined AS (
    SELECT DISTINCT ON (own.record_id, other.name_key)
        own.record_id, own.agency, own.brand_key, 5 AS priority, 'brand_and_substance' AS field, other.name,
        other.name_key, other.agencies,
        format('brand "{}" at {} and {}; {} "{}" is a fuller description of {} "{}"', own.brand_key, own.agency,
            other.agency, other.field, other.name, own.field, own.name) AS evidence
    FROM candidates AS own
    JOIN candidates AS other
        ON other.brand_key = own.brand_key AND other.agency <> own.agency AND other.name_key <> own.name_key
        AND list_has_all(string_split(other.name_key, ' '), string_split(own.name_key, ' '))
    ORDER BY own.record_id, other.name_key, own.priority
),
-- The same brand (its first word) at another agency, and the same INN spelled differently: as many words, each
-- at most one letter apart ("brexucaptagene autoleucel", Swissmedic's Latin, beside "brexucabtagene autoleucel").
respelled AS (
    SELECT DISTINCT ON (own.record_id, other.name_key)
        own.record_id, own.agency, own.brand_key, 6 AS priority, 'brand_and_inn_spelling' AS field, other.name,
        other.name_key, other.agencies,
        format('brand "{}" at {} and {}; {} "{}" is {} "{}" spelled differently', split_part(own.brand_key, ' ', 1),
            own.agency, other.agency, own.field, own.name, other.field, other.name) AS evidence
    FROM candidates AS own
    JOIN candidates AS other
        ON split_part(other.brand_key, ' ', 1) = split_part(own.brand_key, ' ', 1) AND other.agency <> own.agency
        AND other.name_key <> own.name_key AND other.agencies > own.agencies
        AND len(string_split(other.name_key, ' ')) = len(string_split(own.name_key, ' '))
        AND list_bool_and(list_transform(
            list_zip(string_split(own.name_key, ' '), string_split(other.name_key, ' ')),
            lambda pair: length(pair[1]) >= 6 AND levenshtein(pair[1], pair[2]) <= 1))
    ORDER BY own.record_id, other.name_key, own.priority
),
options AS (
    SELECT *,
        EXISTS (
            SELECT 1 FROM candidates AS other
            WHERE other.name_key = options.name_key AND other.brand_key = options.brand_key
                AND other.agency <> options.agency
        ) OR field IN ('brand_and_substance', 'brand_and_inn_spelling') AS brand_agrees
    FROM (SELECT * FROM candidates UNION ALL SELECT * FROM refined UNION ALL SELECT * FROM respelled) AS options
),
ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY record_id ORDER BY brand_agrees DESC, agencies DESC, priority, name_key
        ) AS choice
    FROM options
),
chosen AS (
    SELECT record_id, 'substance:' || name_key AS product_key, field AS matched_on, evidence
    FROM ranked
    WHERE choice = 1
),
keyed_decisions AS (
    SELECT decisions.*, chosen.product_key AS substance_product_key, chosen.matched_on AS substance_matched_on,
        chosen.evidence AS substance_evidence,
        CASE WHEN decisions.brand_key IS NULL AND decisions.holder IS NOT NULL AND decisions.substance_key IS NOT NULL
            THEN 'holder:' || normalised_brand(decisions.holder) || '|' || decisions.substance_key END AS holder_key
    FROM stg_regulatory_decisions AS decisions
    LEFT JOIN chosen USING (record_id)
)
SELECT
    decisions.record_id,
    CASE WHEN decisions.record_kind = 'approval' THEN decisions.record_id END AS approval_id,
    decisions.record_kind,
    'p' || left(md5(coalesce(substance_product_key, 'brand:' || brand_key, holder_key)), 12) AS product_id,
    coalesce(substance_product_key, 'brand:' || brand_key, holder_key) AS product_key,
    coalesce(substance_matched_on, CASE WHEN brand_key IS NOT NULL THEN 'brand_name' ELSE 'holder_and_substance' END)
        AS matched_on,
    coalesce(
        substance_evidence,
        CASE WHEN brand_key IS NOT NULL
            THEN format('brand "{}" normalises to "{}"; no substance key tells this product apart', brand_name,
                brand_key)
            ELSE format('no brand; "{}" names other brands too, so the holder "{}" tells this product apart',
                coalesce(common_name, active_substance), holder) END
    ) AS evidence
FROM keyed_decisions AS decisions
WHERE coalesce(substance_product_key, 'brand:' || brand_key, holder_key) IS NOT NULL
ORDER BY decisions.record_id
