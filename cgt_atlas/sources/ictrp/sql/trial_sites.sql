-- trial_sites: ICTRP gives countries, not sites: one row per distinct country in Countries
-- (";"-separated, often repeated), in order of first mention; facility and city stay NULL.
-- Names that are not countries ("Asia except Japan", "Europe") fail country_maps_to_iso and
-- reach quarantine with the name. country_lookup is registered by the parser before this runs.
WITH named AS (
    SELECT trial_id, fetch_seq, trim(unnest(string_split(Countries, ';'))) AS country_name,
        generate_subscripts(string_split(Countries, ';'), 1) AS position
    FROM ictrp_trial
),
country AS (
    SELECT trial_id, fetch_seq, country_name, min(position) AS first_seen
    FROM named
    WHERE country_name <> ''
    GROUP BY ALL
)
SELECT
    trial_id,
    row_number() OVER (PARTITION BY trial_id, fetch_seq ORDER BY first_seen) AS site_index,
    NULL::VARCHAR AS facility,
    NULL::VARCHAR AS city,
    NULL::VARCHAR AS state,
    NULL::VARCHAR AS zip,
    country.country_name,
    country_lookup.country_code,
    country_lookup.region,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    NULL::VARCHAR AS site_status,
    fetch_seq
FROM country
LEFT JOIN country_lookup USING (country_name)
