-- trial_sponsors: Primary_sponsor as the lead (ICTRP gives no class; secondary sponsors are only
-- in its CSV export, and Source_Support is kept raw in ictrp_records).
SELECT trial_id, Primary_sponsor AS "name", NULL::VARCHAR AS sponsor_class, 'lead' AS role, fetch_seq
FROM ictrp_trial
WHERE Primary_sponsor IS NOT NULL
