-- ictrp_trial: one row per <Trial> of the exports, in fetch order, with the trial_id and
-- registry it loads under. trial_id is ICTRP's TrialID, except for ClinicalTrials.gov records:
-- ctgov keys its own rows by the bare NCT number, so ICTRP's copies load as ICTRP-NCT... and
-- trial_links joins the two. registry comes from the TrialID prefix (Source_Register's
-- wording varies); an unknown prefix leaves it NULL and the record reaches quarantine.
-- content_hash leaves out Export_date, so re-exporting an unchanged trial reloads nothing.
CREATE OR REPLACE TEMP TABLE ictrp_trial AS
SELECT
    CASE WHEN regexp_matches(TrialID, '^(?i)NCT\d{8}$') THEN 'ICTRP-' || upper(TrialID) ELSE TrialID END
        AS trial_id,
    CASE
        WHEN regexp_matches(TrialID, '^(?i)NCT') THEN 'ctgov'
        WHEN regexp_matches(TrialID, '^(?i)EUCTR') THEN 'euctr'
        WHEN regexp_matches(TrialID, '^(?i)CTIS') THEN 'ctis'
        WHEN regexp_matches(TrialID, '^(?i)ChiCTR') THEN 'chictr'
        WHEN regexp_matches(TrialID, '^(?i)JPRN') THEN 'jprn'
        WHEN regexp_matches(TrialID, '^(?i)KCT') THEN 'cris'
        WHEN regexp_matches(TrialID, '^(?i)CTRI') THEN 'ctri'
        WHEN regexp_matches(TrialID, '^(?i)ACTRN') THEN 'anzctr'
        WHEN regexp_matches(TrialID, '^(?i)DRKS') THEN 'drks'
        WHEN regexp_matches(TrialID, '^(?i)ISRCTN') THEN 'isrctn'
        WHEN regexp_matches(TrialID, '^(?i)(NL|NTR)') THEN 'omon'
        WHEN regexp_matches(TrialID, '^(?i)IRCT') THEN 'irct'
        WHEN regexp_matches(TrialID, '^(?i)PACTR') THEN 'pactr'
        WHEN regexp_matches(TrialID, '^(?i)RBR-') THEN 'rebec'
        WHEN regexp_matches(TrialID, '^(?i)TCTR') THEN 'tctr'
        WHEN regexp_matches(TrialID, '^(?i)SLCTR') THEN 'slctr'
        WHEN regexp_matches(TrialID, '^(?i)LBCTR') THEN 'lbctr'
        WHEN regexp_matches(TrialID, '^(?i)PER-') THEN 'repec'
        WHEN regexp_matches(TrialID, '^(?i)RPCEC') THEN 'rpcec'
        WHEN regexp_matches(TrialID, '^(?i)ITMCTR') THEN 'itmctr'
    END AS registry,
    file_seq * 1000000 + position AS fetch_seq,
    hash(
        struct_pack(
            Internal_Number, TrialID, Last_Refreshed_on, Public_title, Scientific_title, Acronym,
            Primary_sponsor, Retrospective_flag, Date_registration3, Date_registration, Source_Register,
            web_address, Recruitment_Status, other_records, Date_enrollement, Target_size, Study_type,
            Phase, Countries, Condition, Intervention, Secondary_ID, Source_Support, Contact_Affiliation
        ),
        $fingerprint
    ) AS content_hash,
    *
FROM ictrp_frame
WHERE TrialID IS NOT NULL;
