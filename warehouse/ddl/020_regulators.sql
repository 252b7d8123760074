-- Regulator tables (public contract: docs/data-contract.md, "## Regulators"). One parent row per
-- agency decision on a product (regulatory_records, keyed by record_id = "<source>:<agency id>"),
-- split by outcome into approvals and applications_not_granted, which carry the same record_id.
-- Column meanings: the pandera models in schemas/approvals.py (rendered in docs/data-contract.md).
CREATE TABLE IF NOT EXISTS regulatory_records (
    record_id VARCHAR,
    agency VARCHAR,
    outcome VARCHAR,
    agency_record_no VARCHAR,
    source_kind VARCHAR,
    source_url VARCHAR,
    note VARCHAR,
    content_hash UBIGINT,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS approvals (
    record_id VARCHAR,
    approval_id VARCHAR,
    agency VARCHAR,
    country_code VARCHAR,
    region VARCHAR,
    brand_name VARCHAR,
    active_substance VARCHAR,
    common_name VARCHAR,
    holder VARCHAR,
    approval_date VARCHAR,
    approval_type VARCHAR,
    status VARCHAR,
    status_date VARCHAR,
    indication VARCHAR,
    agency_record_no VARCHAR,
    source_kind VARCHAR,
    source_url VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS applications_not_granted (
    record_id VARCHAR,
    application_id VARCHAR,
    agency VARCHAR,
    country_code VARCHAR,
    region VARCHAR,
    brand_name VARCHAR,
    active_substance VARCHAR,
    common_name VARCHAR,
    holder VARCHAR,
    decision VARCHAR,
    decision_date VARCHAR,
    indication VARCHAR,
    agency_record_no VARCHAR,
    source_kind VARCHAR,
    source_url VARCHAR,
    run_id VARCHAR
);
