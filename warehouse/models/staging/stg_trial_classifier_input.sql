-- stg_trial_classifier_input: the texts the modality classifier reads, one row per trial x text:
-- field 'intervention' (name | description | other names, per intervention), 'title' (brief | official
-- title | conditions) and 'flags' (EUCTR ATIMP flags as tokens, in a fixed order the flag rules rely on).
SELECT trial_id AS item_id, 'intervention' AS field,
    concat_ws(' | ', "name", description, array_to_string(other_names, ' | ')) AS text
FROM trial_interventions
UNION ALL
SELECT trials.trial_id, 'title',
    concat_ws(' | ', trials.title, trials.official_title,
        (SELECT string_agg(conditions.condition, ' | ') FROM trial_conditions AS conditions
         WHERE conditions.trial_id = trials.trial_id))
FROM trials
UNION ALL
SELECT trial_id, 'flags',
    concat_ws(' ',
        CASE WHEN bool_or(is_atimp) THEN 'flag:atimp' END,
        CASE WHEN bool_or(somatic_cell_therapy) THEN 'flag:somatic_cell_therapy' END,
        CASE WHEN bool_or(gene_therapy) THEN 'flag:gene_therapy' END,
        CASE WHEN bool_or(tissue_engineered) THEN 'flag:tissue_engineered' END)
FROM trial_atimp_flags
GROUP BY trial_id
