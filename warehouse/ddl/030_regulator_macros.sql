-- Name keys the regulator models match products on (warehouse/models/staging/stg_product_candidates.sql).
-- normalised_name: lower case, ™/® dropped, FDA's four-letter suffixes ("-rzyl", "-rknd") dropped,
-- punctuation to spaces, words sorted (so "elaparvovec fidanacogene" = "fidanacogene elaparvovec").
CREATE OR REPLACE MACRO normalised_name(name) AS nullif(array_to_string(list_sort(list_filter(
    string_split(regexp_replace(regexp_replace(regexp_replace(lower(name), '[™®]', '', 'g'),
        '-[a-z]{4}(\s|$)', ' ', 'g'), '[^a-z0-9+]+', ' ', 'g'), ' '),
    lambda word: word <> '')), ' '), '');
-- normalised_brand: lower case, a bracketed remark ("(previously Durveqtix)") and the dosage-form
-- words Japanese brand names carry ("Suspension for Intravenous Infusion") dropped.
CREATE OR REPLACE MACRO normalised_brand(brand) AS nullif(trim(regexp_replace(regexp_replace(
    regexp_replace(lower(brand), '\([^)]*\)|[™®]', ' ', 'g'),
    '\b(suspension|for|intravenous|intramuscular|drip|infusion|injection|\d+\s*mg)\b', ' ', 'g'),
    '[^a-z0-9]+', ' ', 'g')), '');
-- partial_date_low: the first day a YYYY, YYYY-MM or YYYY-MM-DD date can mean (for ordering only).
CREATE OR REPLACE MACRO partial_date_low(value) AS try_cast(CASE length(value)
    WHEN 4 THEN value || '-01-01' WHEN 7 THEN value || '-01' ELSE value END AS DATE);
