-- trial_sponsors: the sponsors of the representative record (Sponsor 1 is the lead, the
-- others collaborators; B.3.1 Commercial -> INDUSTRY, Non-Commercial -> OTHER) and the
-- organisations giving monetary or material support (B.4.1), as collaborators.
WITH party AS (
    SELECT
        rep.trial_id, rep.fetch_seq, line.block_no,
        CASE WHEN line.code LIKE 'B.4.%' THEN 'support' ELSE 'sponsor' END AS kind,
        max(value) FILTER (WHERE code IN ('B.1.1', 'B.4.1')) AS "name",
        max(value) FILTER (WHERE code IN ('B.1.3.4', 'B.4.2')) AS country_name,
        max(value) FILTER (WHERE code = 'B.3.1') AS status
    FROM euctr_record AS rep
    JOIN euctr_line AS line USING (file_seq, record_seq)
    WHERE rep.is_representative AND line.lang IS NULL
        AND line.code IN ('B.1.1', 'B.1.3.4', 'B.3.1', 'B.4.1', 'B.4.2')
    GROUP BY ALL
)
SELECT
    trial_id,
    trim("name") AS "name",
    CASE lower(trim(status)) WHEN 'commercial' THEN 'INDUSTRY' WHEN 'non-commercial' THEN 'OTHER' END
        AS sponsor_class,
    CASE WHEN kind = 'sponsor' AND block_no = 1 THEN 'lead' ELSE 'collaborator' END AS role,
    trim(country_name) AS country_name,
    fetch_seq
FROM party
WHERE nullif(trim("name"), '') IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY trial_id, role, trim("name") ORDER BY kind DESC, block_no) = 1
