-- Grain: one row per approval (approval_id). The same classifier as trial_classification, on the
-- product's brand, active substance and common name; every approval is from a CGT list, so a product
-- no text rule places is 'unclassified CGT'.
-- Columns:
--   *: as in trial_classification
--   approval_id: the approval (`approvals.approval_id`)
SELECT item_id AS approval_id, * EXCLUDE (item_id)
FROM classify_items('stg_approval_classifier_input')
ORDER BY approval_id
