-- stg_regulatory_decisions: one row per agency decision on a product (approval or application not
-- granted), after precedence: an agency's own row (scraped or fetched) supersedes a curated row of
-- the same agency naming the same product (same normalised brand, or same normalised substance).
WITH decisions AS (
    SELECT record_id, 'approval' AS record_kind, agency, country_code, region, brand_name,
        active_substance, common_name, holder, approval_date AS decision_date, status, source_kind,
        source_url
    FROM approvals
    UNION ALL
    SELECT record_id, 'application_not_granted', agency, country_code, region, brand_name,
        active_substance, common_name, holder, decision_date, decision, source_kind, source_url
    FROM applications_not_granted
),
keyed AS (
    SELECT *, normalised_brand(brand_name) AS brand_key,
        normalised_name(coalesce(common_name, active_substance)) AS substance_key
    FROM decisions
),
superseded AS (
    SELECT curated.record_id
    FROM keyed AS curated
    JOIN keyed AS own
        ON own.agency = curated.agency AND own.source_kind <> 'curated'
        AND (own.brand_key = curated.brand_key OR own.substance_key = curated.substance_key)
    WHERE curated.source_kind = 'curated'
)
SELECT
    keyed.*,
    partial_date_low(decision_date) AS decision_date_low,
    length(decision_date) = 10 AS is_day_precise,
    try_cast(left(decision_date, 4) AS INTEGER) AS decision_year
FROM keyed
WHERE record_id NOT IN (SELECT record_id FROM superseded)
