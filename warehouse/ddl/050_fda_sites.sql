-- FDA site tables (public contract: docs/data-contract.md, "## FDA establishments and compliance actions").
-- establishments: FDA's drug establishment registration file (drls_reg), one row per registered site,
-- keyed by establishment_id = 'fda_establishments:<FEI or nofei>:<establishment DUNS>'.
CREATE TABLE IF NOT EXISTS establishments (
    establishment_id VARCHAR,     -- key (FEI alone is not one: docs/sources.md, "fda_establishments")
    fei_number VARCHAR,           -- FDA Establishment Identifier; NULL when blank or all zeros (unassigned)
    duns_number VARCHAR,          -- the establishment's DUNS
    firm_name VARCHAR,
    address VARCHAR,              -- one string, ending "<country> (<ISO alpha-3>)"
    country_name VARCHAR,         -- the country as the address writes it
    country_iso3 VARCHAR,         -- the alpha-3 code ending the address (NULL when it has none)
    country_code VARCHAR,         -- ISO 3166-1 alpha-2, from country_iso3 (pycountry), else the country name
    region VARCHAR,               -- the region of country_code (seeds/countries.csv)
    country_rule VARCHAR,         -- 'alpha-3 code' or 'country name'
    us_state_code VARCHAR,        -- two-letter state of a US address ("New York (NY) 11722")
    expiration_date VARCHAR,      -- YYYY-MM-DD the registration expires (end of the registration year)
    operations VARCHAR[],         -- MANUFACTURE, ANALYSIS, API MANUFACTURE, LABEL, PACK, STERILIZE, ...
    registrant_name VARCHAR,      -- the firm that registered the site (often the parent)
    registrant_duns VARCHAR,
    exclusion_flag VARCHAR,       -- Y or N as published
    content_hash UBIGINT,
    run_id VARCHAR
);
-- compliance_actions: FDA Data Dashboard compliance actions (warning letters, injunctions, seizures),
-- one row per case and FEI, keyed by action_id = 'fda_compliance:<case id>:<FEI or nofei>'.
CREATE TABLE IF NOT EXISTS compliance_actions (
    action_id VARCHAR,
    case_id VARCHAR,              -- Case/Injunction ID (one case can name several firms)
    fei_number VARCHAR,
    legal_name VARCHAR,
    state VARCHAR,                -- US state or territory as published; NULL for '-'
    country VARCHAR,              -- Country/Area as published; NULL for '-'
    country_code VARCHAR,         -- ISO 3166-1 alpha-2 of country
    region VARCHAR,
    product_type VARCHAR,         -- Drugs, Devices, Biologics, Food, ...
    action_date VARCHAR,          -- YYYY-MM-DD (Action Taken Date)
    action_type VARCHAR,          -- Warning Letter, Injunction, Seizure
    content_hash UBIGINT,
    run_id VARCHAR
);
