-- Curated manufacturing-site tables (public contract: docs/data-contract.md, "## Manufacturing sites"),
-- loaded from the seed warehouse/curated/manufacturing_sites.csv. The seed loads as one record
-- (seed_id): any edit replaces all its rows. The marts join each row to a product.
CREATE TABLE IF NOT EXISTS manufacturing_site_seeds (
    seed_id VARCHAR,              -- key: 'manufacturing_sites:seed'
    "rows" INTEGER,               -- rows the seed held when loaded
    content_hash UBIGINT,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS curated_manufacturing_sites (
    seed_id VARCHAR,              -- the seed the row came from
    site_row_id VARCHAR,          -- md5 of brand x site x role (case-blind), 12 hex; unique
    brand_name VARCHAR,           -- the product's brand as an agency prints it
    active_substance VARCHAR,     -- its active substance (INN) as agencies print it; NULL if none
    site_name VARCHAR,            -- the site as the page names it
    site_operator VARCHAR,        -- the company running the site (holder or contract manufacturer)
    "role" VARCHAR,               -- cell_processing, vector_manufacture, drug_substance, drug_product,
                                  -- fill_finish, testing, batch_release, manufacture (step not given)
    city VARCHAR,                 -- NULL when the page gives only the country
    country_code VARCHAR,         -- ISO 3166-1 alpha-2 (seeds/countries.csv)
    source_url VARCHAR,           -- an https page stating that this site does this for this product
    note VARCHAR,                 -- what that page says
    as_of VARCHAR,                -- the year the page states it (YYYY), NULL if the page has no date
    run_id VARCHAR
);
