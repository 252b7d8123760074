-- trial_sponsors: the Part I sponsors (the one marked primary is the lead, the others
-- co-sponsors as collaborators; isCommercial -> INDUSTRY / OTHER, country from its first
-- address) and the organisations giving monetary support, as collaborators (as EUCTR B.4.1).
-- One row per organisation name, whatever its case: its sponsor row, the lead's first.
WITH sponsor AS (
    SELECT trial_id, fetch_seq, unnest(p1.sponsors) AS s, generate_subscripts(p1.sponsors, 1) AS pos
    FROM ctis_record
),
party AS (
    SELECT
        trial_id, fetch_seq, 0 AS kind, pos,
        trim(s.organisation."name") AS "name",
        ctis_sponsor_class(s.isCommercial, s.commercial) AS sponsor_class,
        CASE WHEN s."primary" THEN 'lead' ELSE 'collaborator' END AS role,
        nullif(trim(s.addresses[1].address.countryName), '') AS country_name
    FROM sponsor
    UNION ALL
    SELECT trial_id, fetch_seq, 1, pos, trim(support.organisationName), NULL, 'collaborator', NULL
    FROM (
        SELECT trial_id, fetch_seq,
            unnest(p1.trialDetails.trialInformation.sourceOfMonetarySupport) AS support,
            generate_subscripts(p1.trialDetails.trialInformation.sourceOfMonetarySupport, 1) AS pos
        FROM ctis_record
    )
)
-- A funder that is also a sponsor is not listed again.
SELECT trial_id, "name", sponsor_class, role, country_name, fetch_seq
FROM party
WHERE nullif("name", '') IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY fetch_seq, lower("name") ORDER BY kind, role = 'collaborator', pos) = 1
