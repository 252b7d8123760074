-- Core tables of the warehouse (public contract: docs/data-contract.md). Keys are logical,
-- kept by the loader's merge (DuckDB's own constraints would slow every merge).
CREATE TABLE IF NOT EXISTS trials (
    trial_id VARCHAR,             -- key: the registry's own id (NCT number, ...)
    registry VARCHAR,             -- the register the record comes from
    source VARCHAR,               -- the source module that loaded it (ctgov, euctr, ictrp, ...)
    title VARCHAR,
    official_title VARCHAR,
    brief_summary VARCHAR,        -- the registry's brief summary (classifier input)
    keywords VARCHAR[],           -- the registry's keywords (classifier input)
    phase VARCHAR,
    overall_status VARCHAR,
    study_type VARCHAR,
    start_date VARCHAR,           -- YYYY, YYYY-MM or YYYY-MM-DD as the registry gives it
    start_date_type VARCHAR,
    primary_completion_date VARCHAR,
    completion_date VARCHAR,
    enrollment BIGINT,
    enrollment_type VARCHAR,
    lead_sponsor VARCHAR,
    lead_sponsor_class VARCHAR,
    first_posted_date VARCHAR,
    last_update_date VARCHAR,
    has_results BOOLEAN,
    source_url VARCHAR,
    content_hash UBIGINT,
    run_id VARCHAR
);
-- Columns added after the first release, for warehouses built before them.
ALTER TABLE trials ADD COLUMN IF NOT EXISTS source VARCHAR;
ALTER TABLE trials ADD COLUMN IF NOT EXISTS brief_summary VARCHAR;
ALTER TABLE trials ADD COLUMN IF NOT EXISTS keywords VARCHAR[];
CREATE TABLE IF NOT EXISTS trial_sites (
    trial_id VARCHAR,             -- key: (trial_id, site_index)
    site_index BIGINT,
    facility VARCHAR,
    city VARCHAR,
    state VARCHAR,
    zip VARCHAR,
    country_name VARCHAR,
    country_code VARCHAR,
    region VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    site_status VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_interventions (
    trial_id VARCHAR,             -- key: (trial_id, intervention_index)
    intervention_index BIGINT,
    intervention_type VARCHAR,
    "name" VARCHAR,
    description VARCHAR,
    other_names VARCHAR[],
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_conditions (
    trial_id VARCHAR,             -- key: (trial_id, condition)
    condition VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_sponsors (
    trial_id VARCHAR,             -- key: (trial_id, role, name)
    "name" VARCHAR,
    sponsor_class VARCHAR,
    role VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_ids (
    trial_id VARCHAR,             -- key: (trial_id, other_id, id_type)
    other_id VARCHAR,
    id_type VARCHAR,
    declared_type VARCHAR,
    "domain" VARCHAR,
    raw_id VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id VARCHAR,               -- key: (run_id, source)
    source VARCHAR,
    mode VARCHAR,                 -- live or replay
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    status VARCHAR,
    pages BIGINT,
    rows_fetched BIGINT,
    rows_loaded BIGINT,
    rows_changed BIGINT,
    rows_quarantined BIGINT,
    reported_total BIGINT,
    watermark VARCHAR,
    full_refresh BOOLEAN,
    raw_path VARCHAR,
    quality_gate VARCHAR,         -- passed, or accepted (--accept-shrink) with quality_findings
    quality_findings VARCHAR      -- findings accepted with --accept-shrink and notices (more records than
                                  -- the source reported), one per line; NULL when none
);
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS quality_gate VARCHAR;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS quality_findings VARCHAR;
CREATE TABLE IF NOT EXISTS quarantine (
    run_id VARCHAR,               -- key: (source, table_name, record_key, check_name)
    source VARCHAR,
    table_name VARCHAR,
    record_key VARCHAR,
    entity_key VARCHAR,
    check_name VARCHAR,
    failure_value VARCHAR,
    record VARCHAR,
    quarantined_at TIMESTAMPTZ
);
