-- Grain: one row per approved CGT product x market (an approving jurisdiction: the agency's country_code, EU for
-- EMA) x site that supplies it, as a document states or the site's role implies; a product x market that no
-- known site is stated to supply has one row with the site columns NULL (route_basis 'not stated'). Nothing is
-- assumed from where a product is approved: a site supplies a market only when
--   'stated'           its curated row's `supplies` names the market (or `global`: the page says the site makes
--                      the world's supply);
--   'implied by role'  the site releases batches for the product (role batch_release) in that market's territory
--                      (market_of(country_code): an EU/EEA release site supplies the EU market): every step the
--                      same site does for the product supplies that market;
--   'only market'      the product is authorised in that one market only, so its commercial sites can supply no
--                      other (an approval missing from the warehouse would make this wrong; the basis says so).
-- A stated route outranks an implied one, which outranks 'only market'. Authorisation end: a market whose
-- authorisations of the product are all withdrawn or expired (approvals.status) ends its routes at the latest
-- status_date (route_ended_on; NULL date when the agency gives none) and is_current is false.
-- Columns:
--   product_id: the product (`product_manufacturing`)
--   display_name: its `display_name`
--   market: the approving jurisdiction (`EU` for EMA, else the agency's country)
--   approval_region: the market's region
--   agency: the approving agency or agencies
--   authorisation_status: `current`, else `withdrawn` or `expired` (every authorisation there ended; `withdrawn`
--     when any of them was withdrawn)
--   route_ended_on: the date the last authorisation there ended (`status_date`); NULL while current or undated
--   is_current: the product can still be supplied to that market
--   site_name: the supplying site (`manufacturing_sites`); NULL on a `not stated` row
--   site_operator, city, country_code: of the site
--   manufacturing_region: the site's region; NULL on a `not stated` row
--   roles: the steps the site does for the product, `, `-joined in order
--   makes: a role other than testing and batch release (the site makes the product or its vector)
--   route_basis: `stated`, `implied by role`, `only market` or `not stated`
--   source_url: the page(s) behind the route, space-separated in order
--   is_per_patient: the product is made per patient (`product_manufacturing`)
WITH decisions AS (
    SELECT matches.product_id, decisions.country_code AS market, decisions.region, decisions.agency,
        lower(coalesce(approvals.status, decisions.status, '')) AS status, approvals.status_date
    FROM product_matches AS matches
    JOIN stg_regulatory_decisions AS decisions USING (record_id)
    LEFT JOIN approvals USING (record_id)
    WHERE decisions.record_kind = 'approval'
),
markets AS (
    SELECT
        decisions.product_id,
        decisions.market,
        min(decisions.region) AS approval_region,
        string_agg(DISTINCT decisions.agency, ', ' ORDER BY decisions.agency) AS agency,
        CASE
            WHEN NOT bool_and(decisions.status IN ('withdrawn', 'expired')) THEN 'current'
            WHEN bool_or(decisions.status = 'withdrawn') THEN 'withdrawn'
            ELSE 'expired'
        END AS authorisation_status,
        CASE WHEN bool_and(decisions.status IN ('withdrawn', 'expired')) THEN max(decisions.status_date) END
            AS route_ended_on
    FROM decisions
    JOIN product_manufacturing USING (product_id)
    GROUP BY decisions.product_id, decisions.market
),
market_counts AS (
    SELECT product_id, count(*) AS markets FROM markets GROUP BY product_id
),
sites AS (
    SELECT product_id, site_name, min(site_operator) AS site_operator, min(city) AS city,
        min(country_code) AS country_code, min(region) AS region,
        list(DISTINCT "role" ORDER BY "role") AS roles,
        list(DISTINCT market ORDER BY market) FILTER (WHERE market IS NOT NULL) AS stated_markets,
        list(DISTINCT market_of(country_code) ORDER BY market_of(country_code))
            FILTER (WHERE "role" = 'batch_release') AS release_markets,
        string_agg(DISTINCT source_url, ' ' ORDER BY source_url) AS source_url
    FROM (
        SELECT *, unnest(string_split(coalesce(supplies, ''), ' ')) AS token FROM manufacturing_sites
    )
    CROSS JOIN LATERAL (SELECT nullif(token, '') AS market)
    GROUP BY product_id, site_name
),
site_routes AS (
    SELECT
        markets.product_id,
        markets.market,
        sites.*  EXCLUDE (product_id, stated_markets, release_markets),
        CASE
            WHEN list_contains(coalesce(sites.stated_markets, []), markets.market)
                OR list_contains(coalesce(sites.stated_markets, []), 'global') THEN 'stated'
            WHEN list_contains(coalesce(sites.release_markets, []), markets.market) THEN 'implied by role'
            WHEN market_counts.markets = 1 THEN 'only market'
        END AS route_basis
    FROM markets
    JOIN market_counts USING (product_id)
    JOIN sites USING (product_id)
),
supplied AS (
    SELECT * FROM site_routes WHERE route_basis IS NOT NULL
)
SELECT
    markets.product_id,
    products.display_name,
    markets.market,
    markets.approval_region,
    markets.agency,
    markets.authorisation_status,
    markets.route_ended_on,
    markets.authorisation_status = 'current' AS is_current,
    supplied.site_name,
    supplied.site_operator,
    supplied.city,
    supplied.country_code,
    supplied.region AS manufacturing_region,
    array_to_string(supplied.roles, ', ') AS roles,
    coalesce(len(list_filter(supplied.roles, lambda r: r NOT IN ('testing', 'batch_release'))) > 0, false) AS makes,
    coalesce(supplied.route_basis, 'not stated') AS route_basis,
    supplied.source_url,
    products.is_per_patient
FROM markets
JOIN product_manufacturing AS products USING (product_id)
LEFT JOIN supplied USING (product_id, market)
ORDER BY products.display_name, markets.market, supplied.site_name
