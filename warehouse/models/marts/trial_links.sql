-- Grain: one row per ordered pair of trial records (both directions) and reason they are one trial.
-- link_kind 'registry_number': the two share a registry number, one row per shared number; matched_on is
-- the number's kind (NCT, EUDRACT, CTIS, UTN, REGISTRY), shared_id the number, evidence which field of
-- each record holds it. link_kind 'probable_duplicate': the same protocol registered under numbers that
-- do not cite each other (probable_duplicates: same title key, same sponsor, close start dates, and what
-- else the records hold); matched_on 'PROBABLE_DUPLICATE', shared_id the title key, evidence the rule
-- and the facts compared. Filter link_kind = 'registry_number' to leave the duplicate rule out.
-- Columns:
--   trial_id: the record
--   linked_trial_id: the other record
--   matched_on: the number's kind (`NCT`, `EUDRACT`, `CTIS`, `UTN`, `REGISTRY`), or `PROBABLE_DUPLICATE`
--   shared_id: the shared number; for a probable duplicate, the title key
--   evidence: which field of each record holds the number, with the text; for a probable duplicate, the rule and the
--     facts compared (from `probable_duplicates`)
--   link_kind: `registry_number` or `probable_duplicate`; `WHERE link_kind = 'registry_number'` leaves the duplicate
--     rule out
WITH registry_number AS (
    SELECT
        own.trial_id,
        other.trial_id AS linked_trial_id,
        own.key_type AS matched_on,
        own.key AS shared_id,
        string_agg(DISTINCT own.trial_id || ' ' || own.field || ' "' || own.found_in || '"', '; '
                ORDER BY own.trial_id || ' ' || own.field || ' "' || own.found_in || '"')
            || ' = '
            || string_agg(DISTINCT other.trial_id || ' ' || other.field || ' "' || other.found_in || '"', '; '
                ORDER BY other.trial_id || ' ' || other.field || ' "' || other.found_in || '"')
            AS evidence,
        'registry_number' AS link_kind
    FROM stg_trial_keys AS own
    JOIN stg_trial_keys AS other
        ON other.key_type = own.key_type AND other.key = own.key AND other.trial_id <> own.trial_id
    GROUP BY own.trial_id, other.trial_id, own.key_type, own.key
),
duplicate AS (
    SELECT trial_id, linked_trial_id, title_key, evidence FROM probable_duplicates
    UNION ALL
    SELECT linked_trial_id, trial_id, title_key, evidence FROM probable_duplicates
)
SELECT * FROM registry_number
UNION ALL
SELECT trial_id, linked_trial_id, 'PROBABLE_DUPLICATE', title_key, evidence, 'probable_duplicate' FROM duplicate
ORDER BY trial_id, linked_trial_id, matched_on, shared_id
