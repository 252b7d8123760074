-- Grain: the texts the modality classifier reads, one row per trial x text. Fields, in
-- this order: 'intervention' (type: name | description | other names, per intervention; the type, where the
-- registry gives one, lower-cased as in 'biological: ...' or 'diagnostic test: ...', so rules can tell a product
-- from a procedure on a sample), 'keywords', 'title' (brief title), 'official_title', 'conditions', 'summary'
-- (the brief summary: read only where the fields above give no label, a catch-all one or no target) and 'flags'
-- (EUCTR ATIMP flags as tokens, in a fixed order the flag rules rely on). Keywords and conditions give targets
-- and cell sources but never a modality (docs/classifier.md).
-- Columns:
--   item_id: the trial record (`trial_id`)
--   field: `intervention`, `keywords`, `title` (brief title only), `official_title` (when registered and different),
--     `conditions` (joined by ` | `), `summary` (brief summary) or `flags`. An `intervention` text starts with the
--     registry's intervention type where there is one, lower-cased (`biological: mesenchymal stem cells`,
--     `diagnostic test: ...`)
--   text: the text the classifier reads
SELECT trial_id AS item_id, 'intervention' AS field,
    concat_ws(': ', lower(replace(intervention_type, '_', ' ')),
        concat_ws(' | ', "name", description, nullif(array_to_string(other_names, ' | '), ''))) AS text
FROM trial_interventions
UNION ALL
SELECT trial_id, 'keywords', array_to_string(keywords, ' | ') FROM trials WHERE len(keywords) > 0
UNION ALL
SELECT trial_id, 'title', title FROM trials
UNION ALL
SELECT trial_id, 'official_title', official_title FROM trials WHERE official_title IS NOT NULL AND official_title <> title
UNION ALL
SELECT trial_id, 'conditions', string_agg(condition, ' | ' ORDER BY condition) FROM trial_conditions GROUP BY trial_id
UNION ALL
SELECT trial_id, 'summary', brief_summary FROM trials WHERE brief_summary IS NOT NULL
UNION ALL
SELECT trial_id, 'flags',
    concat_ws(' ',
        CASE WHEN bool_or(is_atimp) THEN 'flag:atimp' END,
        CASE WHEN bool_or(somatic_cell_therapy) THEN 'flag:somatic_cell_therapy' END,
        CASE WHEN bool_or(gene_therapy) THEN 'flag:gene_therapy' END,
        CASE WHEN bool_or(tissue_engineered) THEN 'flag:tissue_engineered' END)
FROM trial_atimp_flags
GROUP BY trial_id
