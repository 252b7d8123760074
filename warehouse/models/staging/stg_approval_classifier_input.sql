-- Grain: the names of each approval the classifier reads (field 'intervention':
-- brand | active substance | common name), and 'flags': every approval comes from a regulator's list of
-- advanced therapies (EMA's advanced-therapy flag, FDA's CGT roster, the Purple Book's CBER BLAs this
-- classifier calls CGT or the source names (azficel-T), the curated CGT facts).
-- Columns:
--   item_id: the approval (`approval_id`)
--   field: `intervention` (brand | active substance | common name) or `flags`
--   text: the text the classifier reads
SELECT approval_id AS item_id, 'intervention' AS field,
    concat_ws(' | ', brand_name, active_substance, common_name) AS text
FROM approvals
UNION ALL
SELECT approval_id, 'flags', CASE WHEN agency = 'EMA' THEN 'flag:ema_atmp' ELSE 'flag:regulator_cgt' END
FROM approvals
