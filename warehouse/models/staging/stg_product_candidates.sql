-- Grain: one row per decision x name it could be matched on. A substance key is
-- "generic" when, within one agency, it names more than one brand (e.g. "HPC, Cord Blood", or a
-- descriptive common name shared by two cell sheets): it then cannot tell products apart.
-- Columns:
--   record_id: the decision (`regulatory_records.record_id`)
--   agency: the deciding agency
--   brand_key: `normalised_brand` of the decision's brand
--   priority: order of the fields when a decision has several keys (1 active_substance, then common_name, then
--     active_substance_in_brackets)
--   field: `active_substance`, `common_name` or `active_substance_in_brackets`
--   name: the name as published
--   name_key: `normalised_name(name)`: lower case, ™/® and FDA four-letter suffixes dropped, punctuation removed, words
--     sorted
--   agencies: how many agencies name that key
--   is_generic: the key names more than one brand within one agency
WITH names AS (
    SELECT record_id, agency, brand_key, 1 AS priority, 'active_substance' AS field,
        trim(unnest(string_split(active_substance, ';'))) AS name
    FROM stg_regulatory_decisions
    UNION ALL
    SELECT record_id, agency, brand_key, 2, 'common_name', trim(unnest(string_split(common_name, ';')))
    FROM stg_regulatory_decisions
    UNION ALL
    -- an INN in brackets inside a descriptive substance or common name: "... (brexucabtagene autoleucel)",
    -- or one word with a cell or gene therapy INN stem (-cel, -vec, -gene): "... factor (sipuleucel-T)"
    SELECT record_id, agency, brand_key, 3, 'active_substance_in_brackets', name
    FROM (
        SELECT record_id, agency, brand_key,
            unnest(regexp_extract_all(concat_ws(' ', active_substance, common_name),
                '\(([A-Za-z]{5,} [A-Za-z]{5,}|[A-Za-z]{3,}(?:cel|vec|gene)(?:-[A-Za-z])?)\)', 1)) AS name
        FROM stg_regulatory_decisions
    )
    UNION ALL
    -- an INN in its Latin form, as Swissmedic prints it ("tisagenlecleucelum CAR-positive ...",
    -- "onasemnogenum abeparvovecum ..."): the leading one or two Latin INN words, turned back into
    -- the English INN (-genum -> -gene, -celum -> -cel, -vecum -> -vec, -siranum -> -siran)
    SELECT record_id, agency, brand_key, 4, 'active_substance_latin_inn',
        array_to_string(list_transform(string_split(latin, ' '), lambda word: CASE
            WHEN word LIKE '%genum' THEN regexp_replace(word, 'genum$', 'gene')
            ELSE regexp_replace(word, 'um$', '') END), ' ') AS name
    FROM (
        SELECT record_id, agency, brand_key,
            nullif(regexp_extract(lower(active_substance),
                '^([a-z]{3,}(?:gen|cel|vec|siran|rsen)um(?: [a-z]{3,}(?:gen|cel|vec)um)?)(?:[^a-z]|$)', 1), '')
                AS latin
        FROM stg_regulatory_decisions
    )
    WHERE latin IS NOT NULL
),
keyed AS (
    SELECT DISTINCT ON (record_id, name_key) *
    FROM (SELECT *, normalised_name(name) AS name_key FROM names)
    WHERE name_key IS NOT NULL
    ORDER BY record_id, name_key, priority, name
),
brands_per_agency AS (
    SELECT name_key, agency, count(DISTINCT coalesce(brand_key, record_id)) AS brands
    FROM keyed
    GROUP BY name_key, agency
),
key_stats AS (
    SELECT name_key, count(DISTINCT agency) AS agencies, max(brands) > 1 AS is_generic
    FROM brands_per_agency
    GROUP BY name_key
)
SELECT keyed.*, key_stats.agencies, key_stats.is_generic
FROM keyed
JOIN key_stats USING (name_key)
