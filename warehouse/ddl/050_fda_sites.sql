-- FDA site tables (public contract: docs/data-contract.md, "FDA establishments and compliance actions").
-- establishments: FDA's drug establishment registration file (drls_reg), one row per registered site,
-- keyed by establishment_id = 'fda_establishments:<FEI or nofei>:<establishment DUNS>'.
-- Column meanings: the pandera models in schemas/fda_sites.py (rendered in docs/data-contract.md).
CREATE TABLE IF NOT EXISTS establishments (
    establishment_id VARCHAR,
    fei_number VARCHAR,
    duns_number VARCHAR,
    firm_name VARCHAR,
    address VARCHAR,
    country_name VARCHAR,
    country_iso3 VARCHAR,
    country_code VARCHAR,
    region VARCHAR,
    country_rule VARCHAR,
    us_state_code VARCHAR,
    expiration_date VARCHAR,
    operations VARCHAR[],
    registrant_name VARCHAR,
    registrant_duns VARCHAR,
    exclusion_flag VARCHAR,
    content_hash UBIGINT,
    run_id VARCHAR
);
-- compliance_actions: FDA Data Dashboard compliance actions (warning letters, injunctions, seizures),
-- one row per case and FEI, keyed by action_id = 'fda_compliance:<case id>:<FEI or nofei>'.
CREATE TABLE IF NOT EXISTS compliance_actions (
    action_id VARCHAR,
    case_id VARCHAR,
    fei_number VARCHAR,
    legal_name VARCHAR,
    state VARCHAR,
    country VARCHAR,
    country_code VARCHAR,
    region VARCHAR,
    product_type VARCHAR,
    action_date VARCHAR,
    action_type VARCHAR,
    content_hash UBIGINT,
    run_id VARCHAR
);
