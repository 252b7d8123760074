-- Grain: one row per disagreement between two sources on one agency's decision on one product (the same agency
-- and product, by precedence's rule of stg_superseded_decisions) x field: a different date (neither a shorter
-- form of the other: "2025-03" agrees with "2025-03-18") or a different status (both sources state one). Both
-- values and both sources are listed, with the value the marts use and why.
-- Columns:
--   agency: the agency
--   product_id: the product (as matched from the kept decision)
--   display_name: as in `products`
--   field: `decision_date` or `status`
--   kept_record_id, kept_source_kind, kept_value, kept_source_url: the decision precedence keeps (the agency's own
--     file, then its web pages, then our transcription) and its value as published
--   other_record_id, other_source_kind, other_value, other_source_url: the source that loses, and its value
--   resolved_value: the value the marts use
--   resolution: why: `precedence` (the better source's value stands), or `implied_and_corroborated` (the better
--     source's own fields imply the other value: Purple Book orphan exclusivity expiry minus seven years)
--   reason: the resolution in words
WITH pairs AS (
    SELECT kept.agency, kept.record_id AS kept_record_id, kept.source_kind AS kept_source_kind,
        kept.source_url AS kept_source_url, kept.decision_date AS kept_date, kept.status AS kept_status,
        kept.implied_date,
        other.record_id AS other_record_id, other.source_kind AS other_source_kind,
        other.source_url AS other_source_url, other.decision_date AS other_date, other.status AS other_status
    FROM stg_superseded_decisions AS superseded
    JOIN stg_source_decisions AS kept ON kept.record_id = superseded.superseded_by
    JOIN stg_source_decisions AS other ON other.record_id = superseded.record_id
    WHERE superseded.superseded_by NOT IN (SELECT record_id FROM stg_superseded_decisions)
),
differences AS (
    SELECT *, 'decision_date' AS field, kept_date AS kept_value, other_date AS other_value
    FROM pairs
    WHERE kept_date IS NOT NULL AND other_date IS NOT NULL
        AND NOT starts_with(kept_date, other_date) AND NOT starts_with(other_date, kept_date)
    UNION ALL
    SELECT *, 'status', kept_status, other_status
    FROM pairs
    WHERE kept_status <> other_status AND 'unknown' NOT IN (kept_status, other_status)
)
SELECT
    differences.agency,
    matches.product_id,
    products.display_name,
    differences.field,
    differences.kept_record_id,
    differences.kept_source_kind,
    differences.kept_value,
    differences.kept_source_url,
    differences.other_record_id,
    differences.other_source_kind,
    differences.other_value,
    differences.other_source_url,
    CASE WHEN differences.field = 'decision_date' THEN decisions.decision_date ELSE decisions.status END
        AS resolved_value,
    CASE WHEN differences.field = 'decision_date' AND decisions.date_basis = 'implied_and_corroborated'
        THEN 'implied_and_corroborated' ELSE 'precedence' END AS resolution,
    CASE WHEN differences.field = 'decision_date' AND decisions.date_basis = 'implied_and_corroborated'
        THEN format('the {} source''s own fields imply {} (it lists {}), which the {} source gives',
            differences.kept_source_kind, differences.implied_date, differences.kept_value,
            differences.other_source_kind)
        ELSE format('the {} source outranks the {} one (precedence: the agency''s own file, its web pages, our '
            || 'transcription)', differences.kept_source_kind, differences.other_source_kind) END AS reason
FROM differences
JOIN stg_regulatory_decisions AS decisions ON decisions.record_id = differences.kept_record_id
LEFT JOIN product_matches AS matches ON matches.record_id = differences.kept_record_id
LEFT JOIN products USING (product_id)
ORDER BY differences.agency, products.display_name, differences.field, differences.other_record_id
