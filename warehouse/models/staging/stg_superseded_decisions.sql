-- Grain: one row per decision a better source of the same agency covers x that better decision. Of the rows of one
-- agency naming the same product, the agency's own file wins (fetched: EMA's report, FDA's Purple Book), then its
-- scraped pages (fda_cgt), then our curated transcription. Same product: the same agency number (FDA BLA/STN),
-- the same normalised brand, or the same normalised substance when neither row names another brand and the
-- winning source has one row for that substance (eight cord-blood BLAs share one name). Precedence in full:
-- docs/sources.md, "Precedence".
-- Columns:
--   record_id: the decision that loses
--   superseded_by: a decision of the same agency and product from a better source
WITH rows_per_substance AS (
    SELECT agency, source_kind, substance_key, count(*) AS source_rows
    FROM stg_source_decisions
    WHERE substance_key IS NOT NULL
    GROUP BY agency, source_kind, substance_key
)
SELECT DISTINCT fallback.record_id, better.record_id AS superseded_by
FROM stg_source_decisions AS fallback
JOIN stg_source_decisions AS better
    ON better.agency = fallback.agency AND better.source_rank < fallback.source_rank
LEFT JOIN rows_per_substance AS shared
    ON shared.agency = better.agency AND shared.source_kind = better.source_kind
    AND shared.substance_key = better.substance_key
WHERE better.agency_record_no = fallback.agency_record_no
    OR better.brand_key = fallback.brand_key
    OR (better.substance_key = fallback.substance_key AND shared.source_rows = 1
        AND (better.brand_key IS NULL OR fallback.brand_key IS NULL))
ORDER BY fallback.record_id, superseded_by
