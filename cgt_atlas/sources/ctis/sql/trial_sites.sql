-- trial_sites: every trial site of every member state (Part II trialSites: organisation, city,
-- postcode, country) when the record lists sites; otherwise one row per member state concerned
-- (Part II mscInfo, else memberStatesConcerned). Then one row per further country outside the
-- EEA (Part I rowCountriesInfo), as EUCTR adds its E.8.6.3 countries. country_lookup is
-- registered by the parser before this runs; a name it cannot map reaches quarantine.
WITH part_two AS (
    SELECT trial_id, fetch_seq, unnest(p2) AS part, generate_subscripts(p2, 1) AS part_pos
    FROM ctis_record
),
facility AS (
    SELECT
        trial_id, fetch_seq, part_pos,
        coalesce(part.mscInfo.countryName, part.mscInfo.mscName) AS msc_name,
        unnest(part.trialSites) AS site,
        generate_subscripts(part.trialSites, 1) AS site_pos
    FROM part_two
),
with_sites AS (
    SELECT DISTINCT fetch_seq FROM facility
),
member_state AS (
    SELECT trial_id, fetch_seq, coalesce(part.mscInfo.countryName, part.mscInfo.mscName) AS country_name,
        part_pos AS pos
    FROM part_two
    UNION ALL
    SELECT trial_id, fetch_seq, coalesce(m.countryName, m.mscName), 1000 + m_pos
    FROM (
        SELECT trial_id, fetch_seq, unnest(mscs) AS m, generate_subscripts(mscs, 1) AS m_pos
        FROM ctis_record
        WHERE len(p2) = 0 OR p2 IS NULL
    )
),
located AS (
    SELECT
        trial_id, fetch_seq, 0 AS tier, part_pos * 100000 + site_pos AS pos,
        nullif(trim(site.organisationAddressInfo.organisation."name"), '') AS facility,
        nullif(trim(site.organisationAddressInfo.address.city), '') AS city,
        nullif(trim(site.organisationAddressInfo.address.postcode), '') AS zip,
        coalesce(nullif(trim(site.organisationAddressInfo.address.countryName), ''), msc_name) AS country_name
    FROM facility
    UNION ALL
    SELECT trial_id, fetch_seq, 1, min(pos), NULL, NULL, NULL, trim(country_name)
    FROM member_state
    WHERE nullif(trim(country_name), '') IS NOT NULL
        AND fetch_seq NOT IN (SELECT fetch_seq FROM with_sites)
    GROUP BY trial_id, fetch_seq, trim(country_name)
    UNION ALL
    SELECT trial_id, fetch_seq, 2, min(pos), NULL, NULL, NULL, trim(country_name)
    FROM (
        SELECT trial_id, fetch_seq, unnest(p1.rowCountriesInfo)."name" AS country_name,
            generate_subscripts(p1.rowCountriesInfo, 1) AS pos
        FROM ctis_record
    )
    WHERE nullif(trim(country_name), '') IS NOT NULL
    GROUP BY trial_id, fetch_seq, trim(country_name)
)
SELECT
    trial_id,
    row_number() OVER (PARTITION BY trial_id, fetch_seq ORDER BY tier, pos)::BIGINT AS site_index,
    facility,
    city,
    NULL::VARCHAR AS state,
    zip,
    located.country_name,
    country_lookup.country_code,
    country_lookup.region,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    NULL::VARCHAR AS site_status,
    fetch_seq
FROM located
LEFT JOIN country_lookup USING (country_name)
