-- trial_sites: one row per location of a study; site_index is its 1-based position.
-- country_lookup (registry name -> ISO code) is registered by the parser before this runs.
WITH site AS (
    SELECT
        ps.identificationModule.nctId AS trial_id,
        fetch_seq,
        unnest(ps.contactsLocationsModule.locations) AS loc,
        generate_subscripts(ps.contactsLocationsModule.locations, 1) AS site_index
    FROM ctgov_study
)
SELECT
    site.trial_id,
    site.site_index,
    loc.facility AS facility,
    loc.city AS city,
    loc.state AS state,
    loc.zip AS zip,
    loc.country AS country_name,
    country_lookup.country_code,
    country_lookup.region,
    loc.geoPoint.lat AS latitude,
    loc.geoPoint.lon AS longitude,
    loc.status AS site_status,
    site.fetch_seq
FROM site
LEFT JOIN country_lookup ON country_lookup.country_name = loc.country
