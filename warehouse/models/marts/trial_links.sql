-- Grain: one row per ordered pair of trial records (both directions) that share a registry
-- number, per shared number. matched_on is the number's kind (NCT, EUDRACT, CTIS, UTN,
-- REGISTRY), shared_id the number, evidence which field of each record holds it.
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
        AS evidence
FROM stg_trial_keys AS own
JOIN stg_trial_keys AS other
    ON other.key_type = own.key_type AND other.key = own.key AND other.trial_id <> own.trial_id
GROUP BY own.trial_id, other.trial_id, own.key_type, own.key
ORDER BY own.trial_id, linked_trial_id, matched_on, shared_id
