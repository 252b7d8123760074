-- Grain: one row per agency x year of decision (NULL: the agency published no date): approvals
-- granted that year, split by their status now (still authorised, no longer authorised: withdrawn,
-- expired, lapsed, revoked or suspended; unknown), and applications refused or withdrawn that year.
-- Counts decisions after precedence (stg_regulatory_decisions), one per agency and product record,
-- of CGT products only (products.is_cgt: not the siRNA drugs an agency files as gene therapy).
-- Columns:
--   agency: the agency
--   decision_year: the year of the decision (NULL: no date published)
--   decision_year_start: 1 January of `decision_year` as a DATE (a time axis for BI tools)
--   approvals: approvals granted that year
--   authorised_now: of those, still authorised
--   no_longer_authorised: of those, withdrawn, expired, lapsed, revoked or suspended
--   status_unknown: of those, status not published
--   not_granted: applications refused or withdrawn that year
SELECT
    agency,
    decision_year,
    make_date(decision_year, 1, 1) AS decision_year_start,
    count(*) FILTER (WHERE record_kind = 'approval') AS approvals,
    count(*) FILTER (WHERE record_kind = 'approval' AND status = 'authorised') AS authorised_now,
    count(*) FILTER (
        WHERE record_kind = 'approval' AND status IN ('withdrawn', 'expired', 'lapsed', 'revoked', 'suspended')
    ) AS no_longer_authorised,
    count(*) FILTER (
        WHERE record_kind = 'approval' AND coalesce(status, 'unknown') NOT IN (
            'authorised', 'withdrawn', 'expired', 'lapsed', 'revoked', 'suspended')
    ) AS status_unknown,
    count(*) FILTER (WHERE record_kind = 'application_not_granted') AS not_granted
FROM stg_regulatory_decisions
WHERE record_id IN (
    SELECT matches.record_id FROM product_matches AS matches JOIN products USING (product_id) WHERE products.is_cgt
)
GROUP BY agency, decision_year
ORDER BY agency, decision_year NULLS LAST
