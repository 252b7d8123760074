-- Core tables of the warehouse (public contract: docs/data-contract.md). Keys are logical,
-- kept by the loader's merge (DuckDB's own constraints would slow every merge).
-- Column meanings: the pandera models in schemas/trials.py (rendered in docs/data-contract.md).
CREATE TABLE IF NOT EXISTS trials (
    trial_id VARCHAR,
    registry VARCHAR,
    source VARCHAR,
    title VARCHAR,
    official_title VARCHAR,
    brief_summary VARCHAR,
    keywords VARCHAR[],
    phase VARCHAR,
    overall_status VARCHAR,
    study_type VARCHAR,
    start_date VARCHAR,
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
    trial_id VARCHAR,
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
    trial_id VARCHAR,
    intervention_index BIGINT,
    intervention_type VARCHAR,
    "name" VARCHAR,
    description VARCHAR,
    other_names VARCHAR[],
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_conditions (
    trial_id VARCHAR,
    condition VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_sponsors (
    trial_id VARCHAR,
    "name" VARCHAR,
    sponsor_class VARCHAR,
    role VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_ids (
    trial_id VARCHAR,
    other_id VARCHAR,
    id_type VARCHAR,
    declared_type VARCHAR,
    "domain" VARCHAR,
    raw_id VARCHAR,
    run_id VARCHAR
);
-- Grain: one row per source per refresh (key: run_id, source), failed sources included: a source that
-- failed or was held back by a quality gate keeps its last good data and is recorded here with its error
-- and next step (its status says so; its counts are NULL). A refresh that fails as a whole (the lock busy,
-- the disk full) changes nothing and leaves no row.
-- Columns:
--   run_id: refresh id (UTC time, `YYYYMMDDTHHMMSSffffffZ`), shared by the sources of one refresh
--   source: source name
--   mode: `live` or `replay`
--   started_at: when the source's ingest started
--   finished_at: when the load finished (or the source failed)
--   status: `succeeded` or `succeeded_with_quarantine` (loaded); `failed` (fetch or parse failed) or
--     `held_by_gate` (a quality gate kept it out): the source's data is then as its last loaded run left it
--   pages: response bodies parsed
--   rows_fetched: records received
--   rows_loaded: records that passed validation (new, changed or unchanged)
--   rows_changed: records new or changed, hence (re)written
--   rows_quarantined: rows sent to quarantine (all tables)
--   reported_total: the count the source reported (`totalCount`); `rows_fetched` is never less
--   watermark: newest value of the source's `WATERMARK_COLUMN` (`last_update_date`; EUCTR: first entered)
--     among the rows that **passed validation**, and never older than the last one: the next incremental
--     run starts there. A stored value that is no date or lies in the future is passed over when the next
--     run reads it
--   full_refresh: a full pull (or a replay) rather than an incremental one
--   raw_path: where the pages are: the landed run folder, or the replay folder
--   quality_gate: `passed`, or `accepted` when the quality gates found the load would make the warehouse
--     worse and the run was told `--accept-shrink` (a refused load leaves no row). Added in the reliability
--     release; NULL on rows written before it
--   quality_findings: one line per finding: what was accepted (`ctgov: trial_sites would shrink from 8197 to
--     4743 rows (-42%)`), what held a source back (status `held_by_gate`), and notices that never block
--     (`... more than the N the source reported`); NULL when none
--   error: why the source did not load (status `failed` or `held_by_gate`): the message the run printed;
--     NULL when it loaded. Failed runs are recorded since the unattended-runs release
--   next_step: what to do about the error, as the run printed it; NULL when it loaded
--   retry_later: true when the error mends by itself (network, throttling, a busy server: run again later),
--     false when a person must look; NULL when it loaded
CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id VARCHAR,
    source VARCHAR,
    mode VARCHAR,
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
    quality_gate VARCHAR,
    quality_findings VARCHAR
);
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS quality_gate VARCHAR;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS quality_findings VARCHAR;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS error VARCHAR;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS next_step VARCHAR;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS retry_later BOOLEAN;
-- Grain: one row per row that failed validation, and check it failed (key: source, table_name, record_key,
-- check_name). A record that loads again clears its old failures.
-- Columns:
--   run_id: the refresh that last saw the failure
--   source: source name
--   table_name: the table the row was meant for
--   record_key: the row's key values joined by `|` (e.g. `NCT01234567|2` for a site)
--   entity_key: the record it belongs to (the `trial_id`); a record that loads again clears its old failures
--   check_name: `column:check`, e.g. `country_name:country_maps_to_iso`, `phase:isin([...])`,
--     `last_update_date:real_date_not_in_future`, or `trial_id:parent_quarantined` for the rows of a trial
--     that itself failed. Whole records the parser could not read: `record:wrong_type` (a ClinicalTrials.gov
--     value DuckDB cannot cast, e.g. text in a number), `record:invalid_utf8`, `record:control_character` (a
--     NUL or other control character), `protocolSection:missing`, `record:incomplete` (an EUCTR record
--     missing required sections: cut short or damaged), `record:undecodable_text` (EUCTR lines that are not
--     UTF-8), `record:unreadable` (a CTIS trial body DuckDB refuses), `page:dead_link` (an
--     fda_cgt roster link that answered 404 or 410: its URL and status)
--   failure_value: the offending value (the unknown country name, the bad phase, ...)
--   record: the whole row as JSON, so nothing is lost (bookkeeping `fetch_seq` left out, so the same failure
--     seen again gives the same JSON; rows with no `entity_key` are replaced on a rerun by matching
--     `table_name`, `check_name` and `record`). For whole records: the study as JSON (undecodable bytes shown
--     as `\xNN`), the EUCTR record's text, or the CTIS file and its size
--   quarantined_at: when
CREATE TABLE IF NOT EXISTS quarantine (
    run_id VARCHAR,
    source VARCHAR,
    table_name VARCHAR,
    record_key VARCHAR,
    entity_key VARCHAR,
    check_name VARCHAR,
    failure_value VARCHAR,
    record VARCHAR,
    quarantined_at TIMESTAMPTZ
);
