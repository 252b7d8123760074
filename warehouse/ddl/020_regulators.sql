-- Regulator tables (public contract: docs/data-contract.md, "## Regulators"). One parent row per
-- agency decision on a product (regulatory_records, keyed by record_id = "<source>:<agency id>"),
-- split by outcome into approvals and applications_not_granted, which carry the same record_id.
CREATE TABLE IF NOT EXISTS regulatory_records (
    record_id VARCHAR,            -- key
    agency VARCHAR,               -- FDA, EMA, PMDA, MFDS, NMPA, HC, TGA, MHRA, SWISSMEDIC (seeds/agencies.csv)
    outcome VARCHAR,              -- approved or not_granted
    agency_record_no VARCHAR,     -- EMEA/H/C/NNNNNN, STN, ... as the agency prints it
    source_kind VARCHAR,          -- scraped, fetched or curated
    source_url VARCHAR,
    note VARCHAR,                 -- the agency's own category where it has one (Swissmedic: Heilmittelcode)
    content_hash UBIGINT,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS approvals (
    record_id VARCHAR,            -- key: approval_id (= record_id)
    approval_id VARCHAR,
    agency VARCHAR,
    country_code VARCHAR,         -- the agency's jurisdiction (EU for EMA)
    region VARCHAR,
    brand_name VARCHAR,
    active_substance VARCHAR,
    common_name VARCHAR,          -- INN / proper / common name where the agency prints one apart
    holder VARCHAR,
    approval_date VARCHAR,        -- original approval in that jurisdiction: YYYY, YYYY-MM or YYYY-MM-DD
    approval_type VARCHAR,
    status VARCHAR,               -- authorised, withdrawn, expired, lapsed, revoked, suspended, unknown
    status_date VARCHAR,          -- when it stopped being authorised, where published
    indication VARCHAR,
    agency_record_no VARCHAR,
    source_kind VARCHAR,
    source_url VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS applications_not_granted (
    record_id VARCHAR,            -- key: application_id (= record_id)
    application_id VARCHAR,
    agency VARCHAR,
    country_code VARCHAR,
    region VARCHAR,
    brand_name VARCHAR,
    active_substance VARCHAR,
    common_name VARCHAR,
    holder VARCHAR,
    decision VARCHAR,             -- refused, application_withdrawn, withdrawn_from_rolling_review
    decision_date VARCHAR,
    indication VARCHAR,
    agency_record_no VARCHAR,
    source_kind VARCHAR,
    source_url VARCHAR,
    run_id VARCHAR
);
