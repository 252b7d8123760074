-- Grain: one row per agency decision on a product (approval or application not
-- granted), after precedence. Of the rows of one agency naming the same product, the agency's own file
-- wins (fetched: EMA's report, FDA's Purple Book), then its scraped pages (fda_cgt), then our curated
-- transcription; the rows that lose stay in their tables. Same product: the same agency number (FDA
-- BLA/STN), the same normalised brand, or the same normalised substance when neither row names another
-- brand and the winning source has one row for that substance (eight cord-blood BLAs share one name).
-- Precedence in full: docs/sources.md, "Precedence".
-- Columns:
--   *: as in approvals
--   record_kind: `approval` or `application_not_granted`
--   decision_date: the approval date, or the date the application was refused or withdrawn
--   status: the approval's status, or the application's decision
--   brand_key: `normalised_brand(brand_name)`
--   substance_key: `normalised_name` of the common name, else the active substance
--   decision_date_low: first day the partial date can mean
--   is_day_precise: the date is known to the day
--   decision_year: year of `decision_date`
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
),
keyed AS (
    SELECT *, normalised_brand(brand_name) AS brand_key,
        normalised_name(coalesce(common_name, active_substance)) AS substance_key,
        list_position(['fetched', 'scraped', 'curated'], source_kind) AS source_rank
    FROM decisions
),
rows_per_substance AS (
    SELECT agency, source_kind, substance_key, count(*) AS source_rows
    FROM keyed
    WHERE substance_key IS NOT NULL
    GROUP BY agency, source_kind, substance_key
),
superseded AS (
    SELECT DISTINCT fallback.record_id
    FROM keyed AS fallback
    JOIN keyed AS better
        ON better.agency = fallback.agency AND better.source_rank < fallback.source_rank
    LEFT JOIN rows_per_substance AS shared
        ON shared.agency = better.agency AND shared.source_kind = better.source_kind
        AND shared.substance_key = better.substance_key
    WHERE better.agency_record_no = fallback.agency_record_no
        OR better.brand_key = fallback.brand_key
        OR (better.substance_key = fallback.substance_key AND shared.source_rows = 1
            AND (better.brand_key IS NULL OR fallback.brand_key IS NULL))
)
SELECT
    keyed.* EXCLUDE (source_rank, agency_record_no),
    partial_date_low(decision_date) AS decision_date_low,
    length(decision_date) = 10 AS is_day_precise,
    try_cast(left(decision_date, 4) AS INTEGER) AS decision_year
FROM keyed
WHERE record_id NOT IN (SELECT record_id FROM superseded)
