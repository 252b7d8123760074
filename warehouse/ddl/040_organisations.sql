-- Organisation tables (public contract: docs/data-contract.md, "## Organisations"), loaded from the
-- curated seeds warehouse/curated/organisations.csv and organisation_aliases.csv. One row per parent
-- organisation (keyed by organisation_id, a slug), and one per sponsor spelling that names it.
-- Column meanings: the pandera models in schemas/organisations.py (rendered in docs/data-contract.md).
CREATE TABLE IF NOT EXISTS organisations (
    organisation_id VARCHAR,
    "name" VARCHAR,
    org_type VARCHAR,
    hq_country_code VARCHAR,
    hq_region VARCHAR,
    source_url VARCHAR,
    note VARCHAR,
    content_hash UBIGINT,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS organisation_aliases (
    organisation_id VARCHAR,
    alias VARCHAR,
    alias_key VARCHAR,
    relation VARCHAR,
    source_url VARCHAR,
    note VARCHAR,
    run_id VARCHAR
);
ALTER TABLE organisation_aliases ADD COLUMN IF NOT EXISTS effective_date VARCHAR;  -- relation 'acquired' 
