-- Grain: one row per sponsor spelling key (organisation_key of a trial_sponsors name, lead or
-- collaborator): the organisation it belongs to and that organisation's country, with the rule that
-- gave the country. Curated: the key is an alias in organisation_aliases, or the name of an organisation
-- (relation 'same'); organisation_id, name, type and country are the curated parent's (country_rule
-- 'curated'). Any other key is its own organisation: organisation_id is the key itself, the name its
-- most written spelling, org_type from the registry's sponsor class (INDUSTRY: industry; NIH, FED,
-- OTHER_GOV: government; else academic_or_hospital when the name says university, hospital, institute,
-- college, centre/center, clinic, school or medical, else other), and its country by the first rule that
-- gives one, each a vote over all its records (most records, then the code, win):
--   'registry address'      the registry states the sponsor's country (trial_sponsors.country_name);
--   'own site'              a site of one of its trials is the sponsor itself (same organisation_key);
--   'single-country sites'  every site of every trial it sponsors lies in one country (weaker; only for
--                           a sponsor whose registry class is known and not INDUSTRY);
--   'unknown'               none did. An industry sponsor gets a country only from curation: a company
--                           runs trials far from home, and the registry's address is often an affiliate's.
-- evidence says what decided it.
-- Columns:
--   sponsor_key: `organisation_key` of a `trial_sponsors.name`
--   sponsor_name: its most written spelling
--   spellings: every spelling with that key
--   trials: trials it sponsors (lead or collaborator)
--   sponsor_class: the most frequent registry class
--   organisation_id: the curated parent, else the key itself
--   organisation_name: the parent's name, else `sponsor_name`
--   org_type: curated, else from the registry class and the name
--   is_curated: the key names a curated organisation
--   country_code: the organisation's country by `country_rule`
--   region: that country's region
--   country_rule: `curated`, `registry address`, `own site`, `single-country sites`, `unknown`
--   evidence: what gave the country
WITH spellings AS (
    SELECT keys.name_key AS sponsor_key, sponsors.trial_id, sponsors."name",
        sponsors.sponsor_class, countries.country_code AS registry_country_code
    FROM trial_sponsors AS sponsors
    JOIN name_keys AS keys USING ("name")
    LEFT JOIN countries ON lower(countries."name") = lower(trim(sponsors.country_name))
    WHERE keys.name_key IS NOT NULL
),
curated_keys AS (
    SELECT alias_key AS sponsor_key, organisation_id, relation, alias AS matched FROM organisation_aliases
    UNION ALL
    SELECT organisation_key("name"), organisation_id, 'same', "name" FROM organisations
    WHERE organisation_key("name") NOT IN (SELECT alias_key FROM organisation_aliases)
),
curated AS (
    SELECT keys.sponsor_key, organisations.organisation_id, organisations."name" AS organisation_name,
        organisations.org_type, organisations.hq_country_code AS country_code, keys.relation,
        keys.matched, organisations.source_url
    FROM curated_keys AS keys
    JOIN organisations USING (organisation_id)
    QUALIFY row_number() OVER (PARTITION BY keys.sponsor_key ORDER BY organisations.organisation_id) = 1
),
per_key AS (
    SELECT sponsor_key,
        arg_min("name", (-count_by_name, "name")) AS sponsor_name,
        list(DISTINCT "name" ORDER BY "name") AS spellings,
        count(DISTINCT trial_id) AS trials,
        arg_min(sponsor_class, (-count_by_class, sponsor_class)) FILTER (WHERE sponsor_class IS NOT NULL)
            AS sponsor_class
    FROM (
        SELECT *, count(*) OVER (PARTITION BY sponsor_key, "name") AS count_by_name,
            count(*) OVER (PARTITION BY sponsor_key, sponsor_class) AS count_by_class
        FROM spellings
    )
    GROUP BY sponsor_key
),
by_registry AS (
    SELECT sponsor_key, arg_min(registry_country_code, (-n, registry_country_code)) AS country_code,
        max(n) AS n, max(example) AS example
    FROM (
        SELECT sponsor_key, registry_country_code, count(*) AS n, min(trial_id) AS example
        FROM spellings WHERE registry_country_code IS NOT NULL GROUP BY ALL
    )
    GROUP BY sponsor_key
),
own_sites AS (
    SELECT DISTINCT spellings.sponsor_key, sites.trial_id, sites.site_index, sites.facility, sites.country_code
    FROM spellings
    JOIN trial_sites AS sites ON sites.trial_id = spellings.trial_id
    JOIN name_keys AS facility_keys
        ON facility_keys."name" = sites.facility AND facility_keys.name_key = spellings.sponsor_key
    WHERE sites.country_code IS NOT NULL
),
by_own_site AS (
    SELECT sponsor_key, arg_min(country_code, (-n, country_code)) AS country_code,
        arg_min(example, (-n, country_code)) AS example
    FROM (
        SELECT sponsor_key, country_code, count(*) AS n,
            min(trial_id || ': "' || facility || '"') AS example
        FROM own_sites GROUP BY ALL
    )
    GROUP BY sponsor_key
),
by_single_country AS (
    SELECT spellings.sponsor_key, min(sites.country_code) AS country_code,
        count(DISTINCT spellings.trial_id) AS trials, count(*) AS sites
    FROM spellings
    JOIN trial_sites AS sites USING (trial_id)
    WHERE sites.country_code IS NOT NULL
    GROUP BY spellings.sponsor_key
    HAVING count(DISTINCT sites.country_code) = 1
),
resolved AS (
    SELECT
        per_key.sponsor_key,
        per_key.sponsor_name,
        per_key.spellings,
        per_key.trials,
        per_key.sponsor_class,
        curated.organisation_id IS NOT NULL AS is_curated,
        coalesce(curated.organisation_id, per_key.sponsor_key) AS organisation_id,
        coalesce(curated.organisation_name, per_key.sponsor_name) AS organisation_name,
        coalesce(curated.org_type, CASE
            WHEN per_key.sponsor_class = 'INDUSTRY' THEN 'industry'
            WHEN per_key.sponsor_class IN ('NIH', 'FED', 'OTHER_GOV') THEN 'government'
            WHEN regexp_matches(per_key.sponsor_key,
                '\b(universit\w*|hospital\w*|institut\w*|college|cent(er|re)s?|clinic\w*|school|medical)\b')
                THEN 'academic_or_hospital'
            ELSE 'other'
        END) AS org_type,
        coalesce(per_key.sponsor_class, '') = 'INDUSTRY' AND curated.organisation_id IS NULL AS is_uncurated_industry,
        curated.country_code AS curated_country,
        curated.relation,
        curated.matched,
        curated.source_url,
        by_registry.country_code AS registry_country,
        by_registry.n AS registry_records,
        by_own_site.country_code AS own_site_country,
        by_own_site.example AS own_site_example,
        CASE WHEN coalesce(per_key.sponsor_class, 'INDUSTRY') <> 'INDUSTRY' THEN by_single_country.country_code END
            AS single_country,
        by_single_country.trials AS single_country_trials,
        by_single_country.sites AS single_country_sites
    FROM per_key
    LEFT JOIN curated USING (sponsor_key)
    LEFT JOIN by_registry USING (sponsor_key)
    LEFT JOIN by_own_site USING (sponsor_key)
    LEFT JOIN by_single_country USING (sponsor_key)
),
decided AS (
    SELECT *,
        CASE
            WHEN is_curated THEN 'curated'
            WHEN is_uncurated_industry THEN 'unknown'
            WHEN registry_country IS NOT NULL THEN 'registry address'
            WHEN own_site_country IS NOT NULL THEN 'own site'
            WHEN single_country IS NOT NULL THEN 'single-country sites'
            ELSE 'unknown'
        END AS country_rule
    FROM resolved
)
SELECT
    sponsor_key,
    sponsor_name,
    spellings,
    trials,
    sponsor_class,
    organisation_id,
    organisation_name,
    org_type,
    is_curated,
    countries.country_code,
    countries.region,
    country_rule,
    CASE country_rule
        WHEN 'curated' THEN relation || ' ("' || matched || '"): ' || organisation_name || ', HQ per ' || source_url
        WHEN 'registry address' THEN 'registry gives the sponsor''s country on ' || registry_records || ' record(s)'
        WHEN 'own site' THEN 'the sponsor is a site of its trial ' || own_site_example
        WHEN 'single-country sites' THEN 'all ' || single_country_sites || ' site(s) of its '
            || single_country_trials || ' trial(s) in one country'
        ELSE CASE WHEN is_uncurated_industry THEN 'industry sponsor not curated' ELSE 'no rule gave a country' END
    END AS evidence
FROM decided
LEFT JOIN countries ON countries.country_code = CASE country_rule
    WHEN 'curated' THEN curated_country
    WHEN 'registry address' THEN registry_country
    WHEN 'own site' THEN own_site_country
    WHEN 'single-country sites' THEN single_country
END
ORDER BY sponsor_key
