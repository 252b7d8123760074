-- Grain: one row per agency decision on a product (approval or application not granted) as each source published
-- it, before precedence: every source's row, with the keys precedence and product matching compare.
-- Columns:
--   *: as in approvals
--   record_kind: `approval` or `application_not_granted`
--   decision_date: the approval date, or the date the application was refused or withdrawn, as published
--   status: the approval's status, or the application's decision
--   brand_key: `normalised_brand(brand_name)`
--   substance_key: `normalised_name` of the common name, else the active substance
--   source_rank: 1 fetched (the agency's own file), 2 scraped (its web pages), 3 curated (our transcription)
--   implied_date: a date the source's own other fields imply for the decision, where it differs from
--     `decision_date` (the Purple Book: orphan exclusivity expiry minus seven years), from its note
WITH decisions AS (
    SELECT record_id, 'approval' AS record_kind, agency, country_code, region, brand_name,
        active_substance, common_name, holder, approval_date AS decision_date, status, source_kind,
        source_url, agency_record_no
    FROM approvals
    UNION ALL
    SELECT record_id, 'application_not_granted', agency, country_code, region, brand_name,
        active_substance, common_name, holder, decision_date, decision, source_kind, source_url,
        agency_record_no
    FROM applications_not_granted
)
SELECT decisions.*, normalised_brand(decisions.brand_name) AS brand_key,
    normalised_name(coalesce(decisions.common_name, decisions.active_substance)) AS substance_key,
    list_position(['fetched', 'scraped', 'curated'], decisions.source_kind) AS source_rank,
    nullif(regexp_extract(records.note, 'implies approval on (\d{4}-\d{2}-\d{2})', 1), '') AS implied_date
FROM decisions
LEFT JOIN regulatory_records AS records ON records.record_id = decisions.record_id
