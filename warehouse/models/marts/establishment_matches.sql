-- Grain: one row per FDA-registered establishment x CGT organisation it may belong to. A CGT
-- organisation sponsors (lead or collaborator) at least one trial the classifier calls CGT
-- (trial_classification.is_cgt; its organisation from sponsor_organisations), or holds an approval of
-- a CGT product (stg_regulatory_decisions holder, products.is_cgt; a holder is the organisation its
-- spelling names among the curated ones, else among the sponsors, else its own). Its names are those
-- sponsor and holder spellings plus, for a curated organisation, its curated name and aliases. Both the
-- establishment's FIRM_NAME and its REGISTRANT_NAME are compared on organisation_key():
--   'exact key'    a name's key equals a sponsor or holder spelling's key, or a curated organisation name's;
--   'alias'        a name's key equals a curated alias of the organisation (organisation_aliases);
--   'token prefix' one key is the other plus further words ("kite pharma" / "kite pharma eu"), the
--                  shorter one specific (two or more words not all generic, or one word of 5+ letters
--                  not generic: see the list below), never equal.
-- confidence: 'sure' for exact key and alias, 'unsure' for token prefix (listed for review, not
-- counted). When several names match, the strongest kind wins and evidence lists every one.
-- makes: operations include MANUFACTURE, API MANUFACTURE or STERILIZE; tests: ANALYSIS. site_role:
-- 'manufacture', else 'testing', else 'other' (label, pack, PET drug production only, ...).
-- is_best_match: the establishment's strongest pair (then the organisation with most CGT trials and
-- products, then its id): count establishments on it, as one site can match several organisations
-- (an uncurated holder spelling such as "Novartis Pharma K.K" is an organisation of its own).
-- counts_as_cgt_site: sure and makes or tests. It says the site belongs to an organisation active in
-- CGT, not that it makes a CGT product: a diversified firm's sites mostly make other drugs
-- (organisation_sure_sites shows how many sites an organisation has).
-- is_cgt_registration, cgt_basis: whether the registration itself is CGT, which counts_as_cgt_site does not say
-- (a CGT-active diversified firm's plants mostly make other drugs: AstraZeneca's Puerto Rico plant, Pharmacia Hepar).
-- A counted site is kept as CGT only when its operations fit cell or vector manufacture or testing (none of particle
-- size reduction, PET drug production, medicated feed, transfill, repack, relabel, salvage) and
--   'curated CGT site'  a curated CGT site (manufacturing_sites) is in the same country, its city is named in the
--                       establishment's address, and its operator is the establishment's organisation (the operator's
--                       key names the same organisation, or its first specific word begins the firm or registrant name).
-- Nothing is kept on the operator alone: FDA's file has no CGT flag, and the warehouse's approvals and trials are
-- CGT ones only, so a diversified firm's other business cannot be seen (every holder would look CGT-only).
-- fda_compliance_actions, last_fda_compliance_action: FDA compliance actions (warning letters,
-- injunctions, seizures) on the site's FEI, of any product type; 0 and NULL when none or no FEI.
-- Columns:
--   establishment_id, fei_number, firm_name, registrant_name, country_code, region, us_state_code, operations: from
--     `establishments`
--   makes: operations include MANUFACTURE, API MANUFACTURE or STERILIZE
--   tests: operations include ANALYSIS
--   site_role: `manufacture`, else `testing`, else `other`
--   organisation_id: the CGT organisation (`sponsor_organisations`, or a holder's own)
--   organisation_name: its name
--   organisation_cgt_trials: CGT trials it sponsors
--   organisation_cgt_products: CGT products it holds an approval of
--   matched_on: `firm`, `registrant` or `firm and registrant`
--   match_kind: `exact key`, `alias`, `token prefix`: the strongest that matched
--   confidence: `sure` for exact key and alias, `unsure` for token prefix
--   evidence: every name of that strongest kind: which field, which spelling of the organisation
--   organisation_sure_sites: sure establishments of the organisation
--   counts_as_cgt_site: sure, and makes or tests
--   cgt_basis: `curated CGT site` (see above); NULL: nothing says the registration is CGT
--   is_cgt_registration: `counts_as_cgt_site` and a `cgt_basis`: a CGT registration, not a CGT firm's other plant
--   fda_compliance_actions: compliance actions of any product type on the site's FEI; 0 when none
--   last_fda_compliance_action: the date of the latest of them; NULL when none
--   is_best_match: the establishment's strongest pair, then the organisation with most CGT trials and products: count
--     establishments on it
WITH cgt_sponsors AS (
    SELECT organisations.sponsor_key AS name_key, organisations.organisation_id,
        organisations.organisation_name, 'sponsor name' AS name_kind,
        min(sponsors."name") AS spelling, count(DISTINCT sponsors.trial_id) AS cgt_trials
    FROM trial_sponsors AS sponsors
    JOIN trial_classification AS classes ON classes.trial_id = sponsors.trial_id AND classes.is_cgt
    JOIN name_keys AS keys ON keys."name" = sponsors."name"
    JOIN sponsor_organisations AS organisations ON organisations.sponsor_key = keys.name_key
    GROUP BY ALL
),
curated_keys AS (
    SELECT alias_key AS name_key, organisation_id, 'curated alias' AS name_kind, alias AS spelling
    FROM organisation_aliases
    UNION ALL
    SELECT organisation_key("name"), organisation_id, 'organisation name', "name" FROM organisations
),
cgt_holders AS (
    SELECT organisation_key(decisions.holder) AS name_key,
        coalesce(min(curated.organisation_id), min(sponsors.organisation_id), organisation_key(decisions.holder))
            AS organisation_id,
        'licence holder name' AS name_kind, min(decisions.holder) AS spelling,
        count(DISTINCT matches.product_id) AS cgt_products
    FROM stg_regulatory_decisions AS decisions
    JOIN product_matches AS matches USING (record_id)
    JOIN products ON products.product_id = matches.product_id AND products.is_cgt
    LEFT JOIN curated_keys AS curated ON curated.name_key = organisation_key(decisions.holder)
    LEFT JOIN sponsor_organisations AS sponsors ON sponsors.sponsor_key = organisation_key(decisions.holder)
    WHERE decisions.record_kind = 'approval' AND organisation_key(decisions.holder) IS NOT NULL
    GROUP BY 1
),
cgt_organisations AS (
    SELECT organisation_id,
        coalesce(min(curated."name"), min(sponsor_name), min(holder_name)) AS organisation_name,
        coalesce(sum(cgt_trials), 0) AS cgt_trials, coalesce(sum(cgt_products), 0) AS cgt_products
    FROM (
        SELECT organisation_id, organisation_name AS sponsor_name, NULL AS holder_name, cgt_trials,
            NULL AS cgt_products
        FROM cgt_sponsors
        UNION ALL
        SELECT organisation_id, NULL, spelling, NULL, cgt_products FROM cgt_holders
    )
    LEFT JOIN organisations AS curated USING (organisation_id)
    GROUP BY organisation_id
),
names AS (
    SELECT DISTINCT name_key, organisation_id, name_kind, spelling FROM (
        SELECT name_key, organisation_id, name_kind, spelling FROM cgt_sponsors
        UNION ALL
        SELECT name_key, organisation_id, name_kind, spelling FROM cgt_holders
        UNION ALL
        SELECT name_key, organisation_id, name_kind, spelling FROM curated_keys
        WHERE organisation_id IN (SELECT organisation_id FROM cgt_organisations)
    )
    WHERE name_key IS NOT NULL
),
generic_words AS (
    SELECT [
        'pharma', 'pharmaceutical', 'pharmaceuticals', 'biotech', 'biotechnology', 'bio', 'biologics',
        'biosciences', 'bioscience', 'biopharma', 'therapeutics', 'therapy', 'medical', 'medicine',
        'laboratories', 'laboratory', 'labs', 'international', 'global', 'group', 'holdings', 'health',
        'healthcare', 'sciences', 'science', 'life', 'university', 'hospital', 'institute', 'center',
        'centre', 'national', 'american', 'general', 'research', 'clinical', 'cell', 'cells', 'gene',
        'genetics', 'china', 'shanghai', 'beijing', 'guangzhou', 'shenzhen', 'zhejiang', 'jiangsu',
        'suzhou', 'hangzhou', 'india', 'japan', 'korea', 'the', 'of', 'and', 'de', 'la', 'first',
        'new', 'united', 'us', 'usa', 'technology', 'technologies', 'products', 'industries', 'industry',
        'manufacturing', 'chemical', 'chemicals', 'drug', 'drugs', 'care', 'services', 'solutions'
    ] AS words
),
establishment_names AS (
    SELECT establishment_id, field, "name", keys.name_key, string_split(keys.name_key, ' ')[1] AS first_word
    FROM (
        SELECT establishment_id, 'firm' AS field, firm_name AS "name" FROM establishments
        UNION ALL
        SELECT establishment_id, 'registrant', registrant_name FROM establishments
    )
    JOIN name_keys AS keys USING ("name")
    WHERE keys.name_key IS NOT NULL
),
exact AS (
    SELECT e.establishment_id, e.field, e."name", n.organisation_id, n.name_kind, n.spelling,
        CASE WHEN n.name_kind = 'curated alias' THEN 'alias' ELSE 'exact key' END AS match_kind
    FROM establishment_names AS e
    JOIN names AS n ON n.name_key = e.name_key
),
prefix AS (
    SELECT e.establishment_id, e.field, e."name", n.organisation_id, n.name_kind, n.spelling,
        'token prefix' AS match_kind,
        CASE WHEN length(n.name_key) < length(e.name_key) THEN n.name_key ELSE e.name_key END AS shorter_key
    FROM establishment_names AS e
    JOIN names AS n ON string_split(n.name_key, ' ')[1] = e.first_word
    WHERE n.name_key <> e.name_key
        AND (starts_with(e.name_key, n.name_key || ' ') OR starts_with(n.name_key, e.name_key || ' '))
),
specific_prefix AS (
    SELECT prefix.* EXCLUDE (shorter_key) FROM prefix, generic_words
    WHERE len(list_filter(string_split(shorter_key, ' '), lambda word: NOT list_contains(words, word))) >= 1
        AND (len(string_split(shorter_key, ' ')) >= 2 OR length(shorter_key) >= 5)
),
evidence AS (
    SELECT *, CASE match_kind WHEN 'exact key' THEN 1 WHEN 'alias' THEN 2 ELSE 3 END AS strength
    FROM (SELECT * FROM exact UNION ALL SELECT * FROM specific_prefix)
),
pairs AS (
    SELECT establishment_id, organisation_id,
        arg_min(match_kind, strength) AS match_kind,
        CASE WHEN min(strength) <= 2 THEN 'sure' ELSE 'unsure' END AS confidence,
        min(strength) AS strength,
        string_agg(DISTINCT field, ' and ' ORDER BY field) AS matched_on,
        -- the evidence of the strongest kind only: the names that decided the match
        string_agg(DISTINCT line, '; ' ORDER BY line) FILTER (WHERE strength = best) AS evidence
    FROM (
        SELECT *, min(strength) OVER (PARTITION BY establishment_id, organisation_id) AS best,
            field || ' "' || "name" || '" ~ ' || name_kind || ' "' || spelling || '" (' || match_kind || ')'
                AS line
        FROM evidence
    )
    GROUP BY establishment_id, organisation_id
),
site_actions AS (
    SELECT fei_number, count(*) AS actions, max(action_date) AS last_action_date
    FROM compliance_actions
    WHERE fei_number IS NOT NULL
    GROUP BY fei_number
),
curated_cgt_sites AS (
    SELECT DISTINCT sites.country_code, lower(sites.city) AS city, organisation_key(sites.site_operator) AS operator_key,
        string_split(organisation_key(sites.site_operator), ' ')[1] AS operator_word, names.organisation_id
    FROM manufacturing_sites AS sites
    LEFT JOIN names ON names.name_key = organisation_key(sites.site_operator)
    WHERE sites.city IS NOT NULL
),
at_curated_site AS (
    SELECT DISTINCT pairs.establishment_id, pairs.organisation_id
    FROM pairs
    JOIN establishments USING (establishment_id)
    JOIN curated_cgt_sites AS sites
        ON sites.country_code = establishments.country_code
        AND regexp_matches(lower(establishments.address), '\b' || regexp_escape(sites.city) || '\b')
    CROSS JOIN generic_words
    WHERE sites.organisation_id = pairs.organisation_id
        OR (NOT list_contains(generic_words.words, sites.operator_word) AND sites.operator_word IN (
            string_split(organisation_key(establishments.firm_name), ' ')[1],
            string_split(organisation_key(establishments.registrant_name), ' ')[1]))
),
sited AS (
    SELECT pairs.*,
        list_has_any(establishments.operations, ['MANUFACTURE', 'API MANUFACTURE', 'STERILIZE']) AS makes,
        list_contains(establishments.operations, 'ANALYSIS') AS tests,
        -- operations no cell or vector plant registers (solid doses, PET, feed, gases, repackaging)
        NOT list_has_any(establishments.operations, ['PARTICLE SIZE REDUCTION',
            'POSITRON EMISSION TOMOGRAPHY DRUG PRODUCTION', 'MEDICATED ANIMAL FEED MANUFACTURE', 'TRANSFILL',
            'REPACK', 'RELABEL', 'SALVAGE']) AS operations_fit
    FROM pairs
    JOIN establishments USING (establishment_id)
)
SELECT
    sited.establishment_id,
    establishments.fei_number,
    establishments.firm_name,
    establishments.registrant_name,
    establishments.country_code,
    establishments.region,
    establishments.us_state_code,
    establishments.operations,
    coalesce(sited.makes, false) AS makes,
    coalesce(sited.tests, false) AS tests,
    CASE WHEN sited.makes THEN 'manufacture' WHEN sited.tests THEN 'testing' ELSE 'other' END AS site_role,
    sited.organisation_id,
    cgt_organisations.organisation_name,
    cgt_organisations.cgt_trials AS organisation_cgt_trials,
    cgt_organisations.cgt_products AS organisation_cgt_products,
    sited.matched_on,
    sited.match_kind,
    sited.confidence,
    sited.evidence,
    count(*) FILTER (WHERE sited.confidence = 'sure') OVER (PARTITION BY sited.organisation_id)
        AS organisation_sure_sites,
    sited.confidence = 'sure' AND coalesce(sited.makes OR sited.tests, false) AS counts_as_cgt_site,
    CASE WHEN at_curated_site.establishment_id IS NOT NULL AND sited.operations_fit THEN 'curated CGT site' END
        AS cgt_basis,
    sited.confidence = 'sure' AND coalesce(sited.makes OR sited.tests, false)
        AND at_curated_site.establishment_id IS NOT NULL AND sited.operations_fit AS is_cgt_registration,
    coalesce(site_actions.actions, 0) AS fda_compliance_actions,
    site_actions.last_action_date AS last_fda_compliance_action,
    row_number() OVER (
        PARTITION BY sited.establishment_id
        ORDER BY sited.strength, cgt_organisations.cgt_trials + cgt_organisations.cgt_products DESC,
            sited.organisation_id
    ) = 1 AS is_best_match
FROM sited
JOIN establishments USING (establishment_id)
JOIN cgt_organisations USING (organisation_id)
LEFT JOIN site_actions ON site_actions.fei_number = establishments.fei_number
LEFT JOIN at_curated_site USING (establishment_id, organisation_id)
ORDER BY sited.organisation_id, sited.establishment_id
