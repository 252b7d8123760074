-- Curated manufacturing-site tables (public contract: docs/data-contract.md, "Manufacturing sites"),
-- loaded from the seed warehouse/curated/manufacturing_sites.csv. The seed loads as one record
-- (seed_id): any edit replaces all its rows. The marts join each row to a product.
-- Column meanings: the pandera models in schemas/manufacturing_sites.py (rendered in docs/data-contract.md).
CREATE TABLE IF NOT EXISTS manufacturing_site_seeds (
    seed_id VARCHAR,
    "rows" INTEGER,
    content_hash UBIGINT,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS curated_manufacturing_sites (
    seed_id VARCHAR,
    site_row_id VARCHAR,
    brand_name VARCHAR,
    active_substance VARCHAR,
    site_name VARCHAR,
    site_operator VARCHAR,
    "role" VARCHAR,
    city VARCHAR,
    country_code VARCHAR,
    source_url VARCHAR,
    note VARCHAR,
    as_of VARCHAR,
    run_id VARCHAR
);
-- Added after the first release (CHANGELOG.md): a warehouse built before gets them here, NULL until the seed reloads.
ALTER TABLE curated_manufacturing_sites ADD COLUMN IF NOT EXISTS supplies VARCHAR;
ALTER TABLE curated_manufacturing_sites ADD COLUMN IF NOT EXISTS quote VARCHAR;
