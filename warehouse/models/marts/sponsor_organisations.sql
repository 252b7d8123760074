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
-- Then a spelling may map to another organisation (mapped_by; docs/organisations.md), a curated one never does:
--   'investigator affiliation'  the sponsor is a person (is_person_sponsor: class INDIV, a degree, or a bare
--                               two- or three-word name), mapped to the affiliation its records give
--                               (trial_sponsors.investigator_affiliation), most records first;
--   'investigator trial sites'  a person whose records give none (the replay's pages carry no responsibleParty),
--                               mapped to the institution that is a site of at least half of its trials;
--   'institution name'          a part of a university named after it ("Second Affiliated Hospital, Zhejiang
--                               University, School of Medicine"), merged into the university (institution_key)
--                               when the university is itself a sponsor or curated.
-- A mapped spelling takes the organisation, type, country and country rule of what it maps to. org_type also
-- reads a company's legal form (is_company_name: "Co., Ltd." registered as OTHER is industry); curated kinds win.
-- Columns:
--   sponsor_key: `organisation_key` of a `trial_sponsors.name`
--   sponsor_name: its most written spelling
--   spellings: every spelling with that key
--   trials: trials it sponsors (lead or collaborator)
--   sponsor_class: the most frequent registry class
--   organisation_id: the curated parent, else the key itself
--   organisation_name: the parent's name, else `sponsor_name`
--   org_type: curated, else from the registry class, a company's legal form and the name
--   is_curated: the key names a curated organisation
--   country_code: the organisation's country by `country_rule`
--   region: that country's region
--   country_rule: `curated`, `registry address`, `own site`, `single-country sites`, `unknown`
--   evidence: what gave the country (for a mapped spelling, the mapping first)
--   sponsor_kind: `person` (an investigator named as sponsor) or `organisation`
--   mapped_by: NULL, `investigator affiliation`, `investigator trial sites` or `institution name`
--   acquired_on: for a spelling of a company its curated parent acquired (relation `acquired`), the date the
--     acquisition took effect (`organisation_aliases.effective_date`: YYYY, YYYY-MM or YYYY-MM-DD); NULL otherwise.
--     trials started before it stay with the acquired company (docs/organisations.md)
WITH spellings AS (
    SELECT keys.name_key AS sponsor_key, sponsors.trial_id, sponsors."name", sponsors.role,
        sponsors.sponsor_class, sponsors.investigator_affiliation, countries.country_code AS registry_country_code
    FROM trial_sponsors AS sponsors
    JOIN name_keys AS keys USING ("name")
    LEFT JOIN countries ON lower(countries."name") = lower(trim(sponsors.country_name))
    WHERE keys.name_key IS NOT NULL
),
curated_keys AS (
    SELECT alias_key AS sponsor_key, organisation_id, relation, alias AS matched,
        CASE WHEN relation = 'acquired' THEN effective_date END AS acquired_on
    FROM organisation_aliases
    UNION ALL
    SELECT organisation_key("name"), organisation_id, 'same', "name", NULL FROM organisations
    WHERE organisation_key("name") NOT IN (SELECT alias_key FROM organisation_aliases)
),
curated AS (
    SELECT keys.sponsor_key, organisations.organisation_id, organisations."name" AS organisation_name,
        organisations.org_type, organisations.hq_country_code AS country_code, keys.relation,
        keys.matched, organisations.source_url, keys.acquired_on
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
            AS sponsor_class,
        bool_or(is_company_name("name")) AS has_company_form
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
            WHEN per_key.sponsor_class = 'INDUSTRY' OR per_key.has_company_form THEN 'industry'
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
        by_single_country.sites AS single_country_sites,
        curated.organisation_id IS NULL AND is_person_sponsor(per_key.sponsor_name, per_key.sponsor_class) AS is_person
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
),
own AS (
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
        END AS evidence,
        is_person
    FROM decided
    LEFT JOIN countries ON countries.country_code = CASE country_rule
        WHEN 'curated' THEN curated_country
        WHEN 'registry address' THEN registry_country
        WHEN 'own site' THEN own_site_country
        WHEN 'single-country sites' THEN single_country
    END
),
-- A person's affiliation: what its records give, else the institution that is a site of at least half its trials.
record_affiliation AS (
    SELECT sponsor_key, arg_min(affiliation_key, (-n, affiliation_key)) AS affiliation_key,
        arg_min(affiliation_name, (-n, affiliation_key)) AS affiliation_name, max(n) AS n
    FROM (
        SELECT spellings.sponsor_key, organisation_key(spellings.investigator_affiliation) AS affiliation_key,
            min(spellings.investigator_affiliation) AS affiliation_name, count(DISTINCT spellings.trial_id) AS n
        FROM spellings
        JOIN own USING (sponsor_key)
        WHERE own.is_person AND spellings.role = 'lead' AND spellings.investigator_affiliation IS NOT NULL
        GROUP BY ALL
        HAVING organisation_key(spellings.investigator_affiliation) <> spellings.sponsor_key
    )
    GROUP BY sponsor_key
),
-- institution_key merges a part of a university into it only when the university is a sponsor or curated.
known_keys AS (
    SELECT sponsor_key AS known_key FROM own UNION SELECT sponsor_key FROM curated
),
site_institutions AS (
    SELECT DISTINCT spellings.sponsor_key, spellings.trial_id, sites.facility,
        CASE WHEN is_university_key(institution_key(facility_keys.name_key))
                  AND institution_key(facility_keys.name_key) IN (SELECT known_key FROM known_keys)
            THEN institution_key(facility_keys.name_key) ELSE facility_keys.name_key END AS institution
    FROM spellings
    JOIN own USING (sponsor_key)
    JOIN trial_sites AS sites ON sites.trial_id = spellings.trial_id
    JOIN name_keys AS facility_keys ON facility_keys."name" = sites.facility
    WHERE own.is_person AND facility_keys.name_key IS NOT NULL
),
site_affiliation AS (
    SELECT votes.sponsor_key, arg_min(institution, (-n, institution)) AS affiliation_key,
        arg_min(example, (-n, institution)) AS affiliation_name, max(n) AS n, max(own.trials) AS trials
    FROM (
        SELECT sponsor_key, institution, count(DISTINCT trial_id) AS n, min(facility) AS example
        FROM site_institutions GROUP BY ALL
    ) AS votes
    JOIN own USING (sponsor_key)
    GROUP BY votes.sponsor_key
    HAVING max(n) * 2 >= max(own.trials)
),
bases AS (
    SELECT own.sponsor_key,
        coalesce(record_affiliation.affiliation_key, site_affiliation.affiliation_key, own.sponsor_key) AS base_key,
        coalesce(record_affiliation.affiliation_name, site_affiliation.affiliation_name) AS base_name,
        CASE
            WHEN record_affiliation.affiliation_key IS NOT NULL THEN 'investigator affiliation'
            WHEN site_affiliation.affiliation_key IS NOT NULL THEN 'investigator trial sites'
        END AS person_rule,
        CASE
            WHEN record_affiliation.affiliation_key IS NOT NULL
                THEN record_affiliation.n || ' record(s) give "' || record_affiliation.affiliation_name || '"'
            WHEN site_affiliation.affiliation_key IS NOT NULL
                THEN 'a site of ' || site_affiliation.n || ' of its ' || site_affiliation.trials
                    || ' trial(s), e.g. "' || site_affiliation.affiliation_name || '"'
        END AS how
    FROM own
    LEFT JOIN record_affiliation USING (sponsor_key)
    LEFT JOIN site_affiliation USING (sponsor_key)
    WHERE NOT own.is_curated
),
mapped AS (
    SELECT bases.*, coalesce(bases.person_rule, 'institution name') AS rule,
        CASE WHEN institution_key(base_key) <> base_key AND is_university_key(institution_key(base_key))
                  AND institution_key(base_key) IN (SELECT known_key FROM known_keys)
            THEN institution_key(base_key) ELSE base_key END AS final_key
    FROM bases
),
targets AS (
    SELECT mapped.sponsor_key, mapped.rule, mapped.how, mapped.final_key,
        coalesce(target.organisation_id, curated.organisation_id, mapped.final_key) AS organisation_id,
        coalesce(target.organisation_name, curated.organisation_name, mapped.base_name) AS organisation_name,
        coalesce(target.org_type, curated.org_type, CASE
            WHEN regexp_matches(mapped.final_key,
                '\b(universit\w*|hospital\w*|institut\w*|college|cent(er|re)s?|clinic\w*|school|medical)\b')
                THEN 'academic_or_hospital'
            ELSE 'other'
        END) AS org_type,
        coalesce(target.is_curated, curated.organisation_id IS NOT NULL) AS is_curated,
        target.sponsor_key IS NOT NULL OR curated.sponsor_key IS NOT NULL AS is_known,
        coalesce(target.country_code, curated.country_code) AS country_code,
        coalesce(target.region, countries.region) AS region,
        coalesce(target.country_rule, 'curated') AS country_rule,
        coalesce(target.evidence, 'curated: ' || curated.organisation_name || ', HQ per ' || curated.source_url)
            AS evidence
    FROM mapped
    LEFT JOIN own AS target ON target.sponsor_key = mapped.final_key
    LEFT JOIN curated ON curated.sponsor_key = mapped.final_key AND target.sponsor_key IS NULL
    LEFT JOIN countries ON countries.country_code = curated.country_code
    WHERE mapped.final_key <> mapped.sponsor_key
)
SELECT
    own.sponsor_key,
    own.sponsor_name,
    own.spellings,
    own.trials,
    own.sponsor_class,
    coalesce(targets.organisation_id, own.organisation_id) AS organisation_id,
    coalesce(targets.organisation_name, own.organisation_name) AS organisation_name,
    coalesce(targets.org_type, own.org_type) AS org_type,
    coalesce(targets.is_curated, own.is_curated) AS is_curated,
    CASE WHEN targets.is_known THEN targets.country_code ELSE own.country_code END AS country_code,
    CASE WHEN targets.is_known THEN targets.region ELSE own.region END AS region,
    CASE WHEN targets.is_known THEN targets.country_rule ELSE own.country_rule END AS country_rule,
    CASE WHEN targets.sponsor_key IS NULL THEN own.evidence
        ELSE targets.rule || ' -> ' || targets.organisation_name || coalesce(' (' || targets.how || ')', '') || '; '
            || CASE WHEN targets.is_known THEN targets.evidence ELSE own.evidence END
    END AS evidence,
    CASE WHEN own.is_person THEN 'person' ELSE 'organisation' END AS sponsor_kind,
    targets.rule AS mapped_by,
    curated.acquired_on
FROM own
LEFT JOIN targets USING (sponsor_key)
LEFT JOIN curated USING (sponsor_key)
ORDER BY own.sponsor_key
