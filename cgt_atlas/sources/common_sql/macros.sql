-- Cross-registry concepts as DuckDB macros, shared by the euctr and ictrp parsers, so one
-- vocabulary (schemas/trials.py, ClinicalTrials.gov's enums) serves every mart. Each returns
-- NULL for a value it does not recognise; the parsers keep the raw value beside it.

-- Phase from per-phase Yes/No flags (EUCTR E.7.1-E.7.4). Only the combinations the
-- enum has (1, 2, 3, 4, 1/2, 2/3) map; others (e.g. 3+4, 1+2+3) give NULL.
CREATE OR REPLACE TEMP MACRO phase_from_flags(early, p1, p2, p3, p4) AS (
    CASE
        WHEN p1::INT + p2::INT + p3::INT + p4::INT = 0 THEN CASE WHEN early THEN 'EARLY_PHASE1' END
        WHEN p1 AND p2 AND NOT p3 AND NOT p4 THEN 'PHASE1/PHASE2'
        WHEN p2 AND p3 AND NOT p1 AND NOT p4 THEN 'PHASE2/PHASE3'
        WHEN p1::INT + p2::INT + p3::INT + p4::INT = 1
            THEN CASE WHEN p1 THEN 'PHASE1' WHEN p2 THEN 'PHASE2' WHEN p3 THEN 'PHASE3' ELSE 'PHASE4' END
    END
);

-- Phase numbers named in text made only of phase tokens: "Phase 2/Phase 3", "3", "phase i/ii".
CREATE OR REPLACE TEMP MACRO phase_numbers(t) AS (
    list_transform(
        regexp_extract_all(replace(t, 'phase', ' '), '(iv|iii|ii|i|[1-4])'),
        lambda x: CASE x WHEN 'i' THEN '1' WHEN 'ii' THEN '2' WHEN 'iii' THEN '3' WHEN 'iv' THEN '4' ELSE x END
    )
);

CREATE OR REPLACE TEMP MACRO phase_from_clean_text(t) AS (
    CASE
        WHEN t IS NULL OR t = '' THEN NULL
        WHEN t LIKE '%human pharmacology%' THEN phase_from_flags(
            false,
            regexp_matches(t, '\(phase i\)\s*:\s*yes'),
            regexp_matches(t, '\(phase ii\)\s*:\s*yes'),
            regexp_matches(t, '\(phase iii\)\s*:\s*yes'),
            regexp_matches(t, '\(phase iv\)\s*:\s*yes')
        )
        WHEN t IN ('n/a', 'na', 'not applicable', 'not applicable (n/a)', 'none') THEN 'NA'
        WHEN regexp_matches(t, '^(early phase ?(1|i)|phase ?0|0)$') THEN 'EARLY_PHASE1'
        WHEN regexp_matches(
            t, '^(phase ?)?(iv|iii|ii|i|[1-4])(\s*(/|\+|-|,|&|and)\s*(phase ?)?(iv|iii|ii|i|[1-4]))*$'
        ) THEN phase_from_flags(
            false,
            list_contains(phase_numbers(t), '1'),
            list_contains(phase_numbers(t), '2'),
            list_contains(phase_numbers(t), '3'),
            list_contains(phase_numbers(t), '4')
        )
    END
);

-- Phase from a registry's free text (ICTRP Phase, whatever the source register wrote).
CREATE OR REPLACE TEMP MACRO phase_from_text(raw) AS (
    phase_from_clean_text(lower(trim(regexp_replace(raw, '\s+', ' ', 'g'))))
);

-- Overall status from a registry's status text, whatever its case. "Not recruiting" (ICTRP)
-- covers ended and ongoing trials alike, so it maps to UNKNOWN; EUCTR/CTIS "Ongoing" and
-- "Authorised" do not say whether a trial recruits, and map to ACTIVE_NOT_RECRUITING.
CREATE OR REPLACE TEMP MACRO status_from_clean_text(t) AS (
    CASE
        WHEN t IS NULL OR t = '' THEN NULL
        WHEN t IN ('recruiting', 'open', 'open to recruitment', 'recruitment ongoing') THEN 'RECRUITING'
        WHEN t IN ('not yet recruiting', 'pending', 'not recruiting yet', 'approved') THEN 'NOT_YET_RECRUITING'
        WHEN t IN ('active, not recruiting', 'active not recruiting', 'ongoing', 'authorised', 'authorized',
            'restarted', 'trial now transitioned', 'closed: follow-up continuing',
            'closed to recruitment') THEN 'ACTIVE_NOT_RECRUITING'
        WHEN t IN ('enrolling by invitation') THEN 'ENROLLING_BY_INVITATION'
        WHEN t IN ('completed', 'complete', 'closed: follow-up complete', 'ended', 'finished') THEN 'COMPLETED'
        WHEN t IN ('suspended', 'temporarily halted', 'suspended by ca', 'temporarily closed',
            'halted') THEN 'SUSPENDED'
        WHEN t IN ('terminated', 'prematurely ended', 'stopped early', 'stopped',
            'closed: stopped early') THEN 'TERMINATED'
        WHEN t IN ('withdrawn', 'not authorised', 'not authorized', 'prohibited by ca', 'cancelled',
            'withdrawn prior to recruitment', 'revoked') THEN 'WITHDRAWN'
        WHEN t IN ('available') THEN 'AVAILABLE'
        WHEN t IN ('no longer available') THEN 'NO_LONGER_AVAILABLE'
        WHEN t IN ('temporarily not available') THEN 'TEMPORARILY_NOT_AVAILABLE'
        WHEN t IN ('approved for marketing') THEN 'APPROVED_FOR_MARKETING'
        WHEN t IN ('withheld') THEN 'WITHHELD'
        ELSE 'UNKNOWN'
    END
);

CREATE OR REPLACE TEMP MACRO status_from_text(raw) AS (
    status_from_clean_text(lower(trim(regexp_replace(replace(raw, '_', ' '), '\s+', ' ', 'g'))))
);

-- A date as YYYY, YYYY-MM or YYYY-MM-DD (its precision kept) from the formats registries print:
-- ISO, YYYY/MM/DD, DD/MM/YYYY (ICTRP's and most registers' order), DD.MM.YYYY, YYYYMMDD,
-- "April 25, 2024", "20 May 2024", "January 2022". NULL when none fits.
CREATE OR REPLACE TEMP MACRO date_from_clean_text(t) AS (
    CASE
        WHEN t IS NULL OR t = '' THEN NULL
        WHEN regexp_matches(t, '^\d{4}(-\d{2}(-\d{2})?)?$') THEN t
        WHEN regexp_matches(t, '^\d{8}$') THEN strftime(try_strptime(t, '%Y%m%d'), '%Y-%m-%d')
        ELSE coalesce(
            strftime(try_strptime(t, ['%Y/%m/%d', '%d/%m/%Y', '%d.%m.%Y', '%d-%m-%Y', '%B %d, %Y',
                '%b %d, %Y', '%d %B %Y', '%d %b %Y', '%B %d %Y']), '%Y-%m-%d'),
            strftime(try_strptime(t, ['%B %Y', '%b %Y', '%Y/%m', '%m/%Y', '%B, %Y']), '%Y-%m')
        )
    END
);

CREATE OR REPLACE TEMP MACRO date_from_text(raw) AS (
    date_from_clean_text(trim(regexp_replace(raw, '\s+', ' ', 'g')))
);

-- Overall status of a trial from its records' statuses: the most active one wins.
CREATE OR REPLACE TEMP MACRO status_rank(s) AS (
    list_position(
        ['RECRUITING', 'ENROLLING_BY_INVITATION', 'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING', 'SUSPENDED',
         'COMPLETED', 'TERMINATED', 'WITHDRAWN', 'UNKNOWN'],
        s
    )
);
