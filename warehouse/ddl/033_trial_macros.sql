-- Macros on trial records. Registry dates become DATE with their precision: registries give a day (2021-03-26),
-- a month (2021-03) or only a year (2021); the DATE is the first day the value can mean (partial_date_low,
-- 030_regulator_macros.sql), and the precision says how much of it is known.
-- partial_date_precision: `day`, `month` or `year` for a value partial_date_low reads; NULL for anything else.
CREATE OR REPLACE MACRO partial_date_precision(value) AS CASE
    WHEN partial_date_low(value) IS NULL THEN NULL
    WHEN length(value) = 4 THEN 'year'
    WHEN length(value) = 7 THEN 'month'
    ELSE 'day'
END;
-- phase_label: a registry phase code as people write it (PHASE1/PHASE2 -> Phase 1/2, NA -> Not applicable); a
-- code it does not know is shown as given.
CREATE OR REPLACE MACRO phase_label(phase) AS CASE
    WHEN phase = 'NA' THEN 'Not applicable'
    WHEN phase = 'EARLY_PHASE1' THEN 'Early phase 1'
    WHEN regexp_full_match(phase, '(PHASE[0-9])(/PHASE[0-9])*')
        THEN 'Phase ' || replace(replace(phase, '/PHASE', '/'), 'PHASE', '')
    ELSE phase
END;
