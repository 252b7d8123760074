-- trial_sites: EUCTR lists no facilities, so one row per country of a trial: each member
-- state with a record (National Competent Authority), then each further country named in
-- E.8.6.3 (countries where sites are planned, inside or outside the EEA). facility, city
-- and coordinates stay NULL. country_lookup is registered by the parser before this runs.
WITH named AS (
    SELECT trial_id, fetch_seq, member_state AS country_name, record_fetch_seq AS seq, 0 AS line_pos
    FROM euctr_record
    WHERE member_state IS NOT NULL
    UNION ALL
    SELECT trial_id, fetch_seq, trim(unnest(string_split(planned_regions, chr(10)))), record_fetch_seq,
        generate_subscripts(string_split(planned_regions, chr(10)), 1)
    FROM euctr_record
    WHERE planned_regions IS NOT NULL
),
country AS (
    SELECT trial_id, fetch_seq, country_name, min(line_pos > 0) AS planned_only,
        min(seq * 1000 + line_pos) AS first_seen
    FROM named
    WHERE country_name <> ''
    GROUP BY trial_id, fetch_seq, country_name
)
SELECT
    trial_id,
    row_number() OVER (PARTITION BY trial_id ORDER BY planned_only, first_seen) AS site_index,
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
