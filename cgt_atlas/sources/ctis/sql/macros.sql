-- CTIS codes onto the shared vocabulary (docs/data-contract.md, "Mapping onto the shared vocabulary").

-- Trial phase code (trialCategory.trialPhase): 1-3 Phase I (first in human, bioequivalence,
-- other), 4 Phase II, 5 Phase III, 6 Phase IV, 7-9 Phase I+II integrated, 10 Phase II+III;
-- 11 Phase III+IV has no enum value and maps to NULL, as EUCTR's III+IV does.
CREATE OR REPLACE TEMP MACRO ctis_phase(code) AS (
    CASE trim(code)
        WHEN '1' THEN 'PHASE1' WHEN '2' THEN 'PHASE1' WHEN '3' THEN 'PHASE1'
        WHEN '4' THEN 'PHASE2' WHEN '5' THEN 'PHASE3' WHEN '6' THEN 'PHASE4'
        WHEN '7' THEN 'PHASE1/PHASE2' WHEN '8' THEN 'PHASE1/PHASE2' WHEN '9' THEN 'PHASE1/PHASE2'
        WHEN '10' THEN 'PHASE2/PHASE3'
    END
);

-- Public status words of the pre-relaunch portal ("Authorised, not started") to the current codes.
CREATE OR REPLACE TEMP MACRO ctis_status_code(raw) AS (
    CASE
        WHEN try_cast(trim(raw) AS INTEGER) IS NOT NULL THEN try_cast(trim(raw) AS INTEGER)
        ELSE CASE regexp_replace(lower(trim(raw)), '\s+', ' ', 'g')
            WHEN 'under evaluation' THEN 1
            WHEN 'authorised, not started' THEN 2 WHEN 'authorised, recruitment pending' THEN 2
            WHEN 'authorised, recruiting' THEN 3
            WHEN 'ongoing, recruiting' THEN 4
            WHEN 'ongoing, recruitment ended' THEN 5
            WHEN 'temporarily halted' THEN 6 WHEN 'halted' THEN 6
            WHEN 'suspended' THEN 7
            WHEN 'ended' THEN 8
            WHEN 'expired' THEN 9
            WHEN 'revoked' THEN 10
            WHEN 'not authorised' THEN 11
            WHEN 'cancelled' THEN 12
        END
    END
);

-- Overall status from the public status code (ctPublicStatusCode / ctStatus). "Ended" includes
-- early termination, which the code does not tell apart, so it maps to COMPLETED; a trial that
-- lapsed, was refused, revoked or cancelled maps to WITHDRAWN, as the shared macro maps those words.
CREATE OR REPLACE TEMP MACRO ctis_status(code) AS (
    CASE code
        WHEN 1 THEN 'NOT_YET_RECRUITING' WHEN 2 THEN 'NOT_YET_RECRUITING'
        WHEN 3 THEN 'RECRUITING' WHEN 4 THEN 'RECRUITING'
        WHEN 5 THEN 'ACTIVE_NOT_RECRUITING'
        WHEN 6 THEN 'SUSPENDED' WHEN 7 THEN 'SUSPENDED'
        WHEN 8 THEN 'COMPLETED'
        WHEN 9 THEN 'WITHDRAWN' WHEN 10 THEN 'WITHDRAWN' WHEN 11 THEN 'WITHDRAWN' WHEN 12 THEN 'WITHDRAWN'
        ELSE CASE WHEN code IS NOT NULL THEN 'UNKNOWN' END
    END
);

-- A CTIS date: ISO date or datetime ("2024-04-12T09:35:07.009"), or dd/mm/yyyy (overview fields).
CREATE OR REPLACE TEMP MACRO ctis_date(raw) AS (
    date_from_text(CASE WHEN regexp_matches(raw, '^\d{4}-\d{2}-\d{2}T') THEN left(raw, 10) ELSE raw END)
);

-- Sponsor class from sponsors[].isCommercial (else the "Commercial" / "Non-Commercial" text):
-- commercial -> INDUSTRY, non-commercial -> OTHER, as EUCTR's B.3.1.
CREATE OR REPLACE TEMP MACRO ctis_sponsor_class(is_commercial, commercial_text) AS (
    CASE
        WHEN is_commercial THEN 'INDUSTRY'
        WHEN NOT is_commercial THEN 'OTHER'
        WHEN lower(trim(commercial_text)) = 'commercial' THEN 'INDUSTRY'
        WHEN lower(trim(commercial_text)) = 'non-commercial' THEN 'OTHER'
    END
);
