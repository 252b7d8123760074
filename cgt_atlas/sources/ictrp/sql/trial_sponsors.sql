-- trial_sponsors: Primary_sponsor as the lead (ICTRP gives no class; secondary sponsors are only
-- in its CSV export, and Source_Support is kept raw in ictrp_records). investigator_affiliation: the first
-- of the contacts' affiliations (Contact_Affiliation, ";"-separated), what an investigator sponsor maps to.
SELECT trial_id, Primary_sponsor AS "name", NULL::VARCHAR AS sponsor_class, 'lead' AS role,
    nullif(trim(split_part(Contact_Affiliation, ';', 1)), '') AS investigator_affiliation, fetch_seq
FROM ictrp_trial
WHERE Primary_sponsor IS NOT NULL
