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
-- display_brand: a brand as a label, without what agencies print after it: a bracketed remark, ™/®, anything after
-- a comma ("Tecartus, Infusionsdispersion"), a strength ("Imlygic 10e6") or a dosage form in English, German or
-- French ("Leqvio Injektionslösung", "ELEVIDYS Intravenous Infusion").
CREATE OR REPLACE MACRO display_brand(brand) AS nullif(trim(regexp_replace(regexp_replace(
    regexp_replace(brand, '\([^)]*\)|[™®]', ' ', 'g'), ',.*$', ''),
    '\s+(\S*\d\S*|suspension|solution|injection|intravenous|intramuscular|intracranial|drip|infusion|for|inj\.?|'
        || 'zell\S*|infusions\S*|injektions\S*|konzentrat\S*|pulver\S*|l[öo]sung\S*|g[ée]lules?|dispersion)(\s.*)?$',
    '', 'i')), '');
-- people_case: a name as people write it: one set all in capitals or all in lower case ("KYMRIAH", "encelto")
-- becomes "Kymriah", "Encelto"; short acronyms (JACE, MACI) and mixed case ("NeuroNata-R") are kept.
CREATE OR REPLACE MACRO people_case(name) AS CASE
    WHEN (name = upper(name) OR name = lower(name)) AND length(regexp_replace(name, '[^A-Za-z]', '', 'g')) > 4
        THEN upper(left(name, 1)) || lower(substr(name, 2))
    ELSE name END;
-- partial_date_precision: how much of a YYYY, YYYY-MM or YYYY-MM-DD date is known: 'year', 'month' or 'day'.
CREATE OR REPLACE MACRO partial_date_precision(value) AS CASE
    WHEN partial_date_low(value) IS NULL THEN NULL
    WHEN length(value) = 4 THEN 'year' WHEN length(value) = 7 THEN 'month' ELSE 'day' END;
