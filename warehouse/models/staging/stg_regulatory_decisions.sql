-- Grain: one row per agency decision on a product (approval or application not granted), after precedence
-- (stg_superseded_decisions): the rows that lose stay in their tables. The winner's date stands, except where
-- the winner's own fields imply another date (implied_date) that a losing source gives: then that corroborated
-- date is used (Abecma: the Purple Book lists 2021-03-03, its orphan exclusivity to 2028-03-26 implies
-- 2021-03-26, which the curated row gives). Every disagreement and how it was settled: mart_source_disagreements.
-- Columns:
--   *: as in approvals
--   record_kind: `approval` or `application_not_granted`
--   decision_date: the approval date, or the date the application was refused or withdrawn (YYYY, YYYY-MM or
--     YYYY-MM-DD, as precise as the source)
--   status: the approval's status, or the application's decision
--   brand_key: `normalised_brand(brand_name)`
--   substance_key: `normalised_name` of the common name, else the active substance
--   date_basis: `published` (the winning source's date) or `implied_and_corroborated` (see above)
--   decision_date_low: first day the partial date can mean (DATE)
--   decision_date_precision: `day`, `month` or `year`: how much of `decision_date` the source gives
--   is_day_precise: the date is known to the day
--   decision_year: year of `decision_date`
WITH corroborated AS (
    SELECT winner.record_id, min(winner.implied_date) AS implied_date
    FROM stg_superseded_decisions AS superseded
    JOIN stg_source_decisions AS winner ON winner.record_id = superseded.superseded_by
    JOIN stg_source_decisions AS loser ON loser.record_id = superseded.record_id
    WHERE winner.implied_date IS NOT NULL AND loser.decision_date = winner.implied_date
    GROUP BY winner.record_id
),
kept AS (
    SELECT decisions.* EXCLUDE (decision_date, source_rank, agency_record_no, implied_date),
        coalesce(corroborated.implied_date, decisions.decision_date) AS decision_date,
        CASE WHEN corroborated.implied_date IS NOT NULL THEN 'implied_and_corroborated' ELSE 'published' END
            AS date_basis
    FROM stg_source_decisions AS decisions
    LEFT JOIN corroborated USING (record_id)
    WHERE record_id NOT IN (SELECT record_id FROM stg_superseded_decisions)
)
SELECT
    kept.*,
    partial_date_low(decision_date) AS decision_date_low,
    partial_date_precision(decision_date) AS decision_date_precision,
    length(decision_date) = 10 AS is_day_precise,
    try_cast(left(decision_date, 4) AS INTEGER) AS decision_year
FROM kept
