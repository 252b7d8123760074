-- Organisation tables (public contract: docs/data-contract.md, "## Organisations"), loaded from the
-- curated seeds warehouse/curated/organisations.csv and organisation_aliases.csv. One row per parent
-- organisation (keyed by organisation_id, a slug), and one per sponsor spelling that names it.
CREATE TABLE IF NOT EXISTS organisations (
    organisation_id VARCHAR,      -- key: a slug (bms, gilead, ...)
    "name" VARCHAR,               -- the parent's usual name
    org_type VARCHAR,             -- industry, academic_or_hospital, government, other
    hq_country_code VARCHAR,      -- ISO 3166-1 alpha-2 of the headquarters (seeds/countries.csv)
    hq_region VARCHAR,            -- the region of hq_country_code
    source_url VARCHAR,           -- an https page stating the headquarters
    note VARCHAR,                 -- what that page says
    content_hash UBIGINT,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS organisation_aliases (
    organisation_id VARCHAR,      -- the parent it maps to
    alias VARCHAR,                -- key: a sponsor spelling as registries write it
    alias_key VARCHAR,            -- organisation_key(alias): what sponsor names are matched on
    relation VARCHAR,             -- same, subsidiary, acquired, former_name
    source_url VARCHAR,           -- an https page stating it (the ownership, for subsidiary/acquired)
    note VARCHAR,
    run_id VARCHAR
);
