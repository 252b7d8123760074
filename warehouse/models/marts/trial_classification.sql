-- Grain: one row per trial record (item_id = trial_id). is_cgt, one primary modality (or 'not CGT'),
-- the rule that fired and the text it fired on, target antigen(s) for CAR/TCR constructs, cell source,
-- delivery, and the rules version. Rules: warehouse/rules/modality_rules.csv; method: docs/classifier.md.
SELECT item_id AS trial_id, * EXCLUDE (item_id)
FROM classify_items('stg_trial_classifier_input')
ORDER BY trial_id
