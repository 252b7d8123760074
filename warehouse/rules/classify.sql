-- classify_items(input_table): one row per item_id of input_table (item_id, field, text). Fields: 'summary' (a
-- long free text, read second), 'flags' (registry flags as tokens) and any other name for a short text
-- ('intervention', 'keywords', 'title', 'official_title', 'conditions'). A modality comes only from what is
-- given: interventions, titles and flags; keywords and conditions (the population) never give one. The
-- modality is the label of the first rule in file order that fires in those texts, a CGT label winning over a
-- 'not CGT' one found in another text (a transplant procedure beside an MSC infusion) and flags coming last;
-- on a tie the field named first wins (intervention, title, official_title). Rules read as 'intervention'
-- count in interventions only; as 'intervention+context', in a title too beside an administration word (kind
-- 'context'); disease names that name a cell type (kind 'mask') are removed before the scan. No rule: 'not
-- CGT'. The summary is read only for items left 'not CGT', with a catch-all label, or with a CAR/TCR label and
-- no target: its label replaces a catch-all one when its rule ranks higher, and its targets (beside CAR
-- wording) count when the short texts name none.
CREATE OR REPLACE MACRO classify_items(input_table) AS TABLE
WITH input AS (
    -- field_rank: the fields a modality may come from, in the order that breaks a tie between equally
    -- ranked rules. Keywords and conditions have none: they still give targets and cell sources.
    SELECT item_id, field, lower(text) AS text,
        CASE field WHEN 'flags' THEN 'flags' WHEN 'intervention' THEN 'intervention' ELSE 'other' END
            AS field_class,
        list_position(['intervention', 'title', 'official_title', 'flags'], field) AS field_rank
    FROM query_table(input_table)
    WHERE field <> 'summary' AND nullif(text, '') IS NOT NULL
),
items AS (
    SELECT DISTINCT item_id FROM query_table(input_table)
),
-- Identical texts (the same drug named in thousands of trials) are scanned once.
texts AS (
    SELECT DISTINCT field_class, text, field_class = 'flags' AS is_flags,
        field_class = 'other' AND names_administration(text) AS names_administration
    FROM input
),
text_hits AS (
    SELECT field_class, text, 'modality' AS kind, unnest(modality_rule_hits(mask_for_modality(text))) AS hit
    FROM texts
    UNION ALL
    SELECT field_class, text, 'target', unnest(target_rule_hits(text)) FROM texts WHERE NOT is_flags
    UNION ALL
    SELECT field_class, text, 'cell_source', unnest(cell_source_rule_hits(text)) FROM texts WHERE NOT is_flags
),
hit_rules AS (
    SELECT kind, hit, unnest(rules_matching(kind, hit)) AS rule_id
    FROM (SELECT DISTINCT kind, hit FROM text_hits)
),
-- Per distinct text: its best modality and cell-source rule, and its targets.
text_labels AS (
    SELECT
        text_hits.field_class,
        text_hits.text,
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label,
                 'cell_source': rules.cell_source, 'delivery': rules.delivery, 'hit': text_hits.hit},
                (rules.rule_order, text_hits.hit)) FILTER (WHERE rules.kind = 'modality') AS modality,
        list(DISTINCT {'label': rules.label, 'rule_id': rules.rule_id}
            ORDER BY {'label': rules.label, 'rule_id': rules.rule_id}) FILTER (WHERE rules.kind = 'target')
            AS targets,
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label}, rules.rule_order)
            FILTER (WHERE rules.kind = 'cell_source') AS cell_source
    FROM text_hits
    JOIN hit_rules USING (kind, hit)
    JOIN classifier_rules AS rules USING (rule_id)
    JOIN texts USING (field_class, text)
    WHERE CASE texts.field_class
        WHEN 'flags' THEN rules.field = 'flags'
        WHEN 'intervention' THEN rules.field IN ('text', 'text+summary', 'intervention', 'intervention+context')
        ELSE rules.field IN ('text', 'text+summary')
            OR (rules.field = 'intervention+context' AND texts.names_administration)
    END
    GROUP BY text_hits.field_class, text_hits.text
),
short_labels AS (
    SELECT
        input.item_id,
        arg_min({'rule_order': modality.rule_order, 'rule_id': modality.rule_id, 'label': modality.label,
                 'cell_source': modality.cell_source, 'delivery': modality.delivery,
                 'evidence': input.field || ': ' || modality.hit},
                (input.field = 'flags', modality.label = 'not CGT', modality.rule_order * 10 + input.field_rank,
                 modality.hit))
            FILTER (WHERE modality IS NOT NULL AND input.field_rank IS NOT NULL) AS modality,
        list_sort(list_distinct(flatten(list(targets ORDER BY targets) FILTER (WHERE targets IS NOT NULL))))
            AS targets,
        arg_min(cell_source, cell_source.rule_order) FILTER (WHERE cell_source IS NOT NULL) AS cell_source
    FROM input
    JOIN text_labels USING (field_class, text)
    GROUP BY input.item_id
),
-- Summaries: only of items the short texts leave unlabelled, with a catch-all label, or without a target.
summary_input AS (
    SELECT summaries.item_id, summaries.text
    FROM query_table(input_table) AS summaries
    LEFT JOIN short_labels USING (item_id)
    WHERE summaries.field = 'summary' AND nullif(summaries.text, '') IS NOT NULL
      AND (short_labels.modality IS NULL
           OR is_catch_all_modality(short_labels.modality.label)
           OR (short_labels.modality.label IN ('CAR-T', 'CAR-NK and other CAR cells', 'TCR-T')
               AND coalesce(len(short_labels.targets), 0) = 0))
),
summary_texts AS (
    SELECT DISTINCT text FROM summary_input
),
summary_hits AS (
    SELECT text, 'modality' AS kind, unnest(summary_modality_rule_hits(mask_for_modality(lower(text)))) AS hit
    FROM summary_texts
    UNION ALL
    SELECT text, 'target', unnest(summary_target_rule_hits(lower(text))) FROM summary_texts
),
summary_labels AS (
    SELECT
        summary_hits.text,
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label,
                 'cell_source': rules.cell_source, 'delivery': rules.delivery,
                 'evidence': 'summary: ' || summary_hits.hit},
                (rules.rule_order, summary_hits.hit))
            FILTER (WHERE rules.kind = 'modality' AND rules.label <> 'not CGT') AS modality,
        list(DISTINCT {'label': rules.label, 'rule_id': rules.rule_id}
            ORDER BY {'label': rules.label, 'rule_id': rules.rule_id}) FILTER (WHERE rules.kind = 'target')
            AS targets
    -- Few summaries are read: their hits are tested directly, without the distinct-hit step.
    FROM (SELECT text, hit, unnest(rules_matching(kind, hit)) AS rule_id FROM summary_hits) AS summary_hits
    JOIN classifier_rules AS rules USING (rule_id)
    WHERE rules.field IN ('summary', 'text+summary')
    GROUP BY summary_hits.text
),
per_item AS (
    SELECT
        items.item_id,
        CASE
            WHEN summary_labels.modality IS NOT NULL
                 AND (short_labels.modality IS NULL
                      OR (is_catch_all_modality(short_labels.modality.label)
                          AND summary_labels.modality.rule_order < short_labels.modality.rule_order))
            THEN summary_labels.modality
            ELSE short_labels.modality
        END AS modality,
        CASE WHEN coalesce(len(short_labels.targets), 0) > 0 THEN short_labels.targets ELSE summary_labels.targets END
            AS targets,
        short_labels.cell_source
    FROM items
    LEFT JOIN short_labels USING (item_id)
    LEFT JOIN summary_input USING (item_id)
    LEFT JOIN summary_labels USING (text)
),
labelled AS (
    SELECT
        item_id,
        coalesce(modality.label, 'not CGT') AS modality,
        coalesce(modality.rule_id, 'no_rule_fired') AS modality_rule,
        modality.evidence AS modality_evidence,
        modality.delivery AS rule_delivery,
        modality.cell_source AS rule_cell_source,
        nullif(array_to_string(list_sort(list_distinct([t.label FOR t IN targets])), '+'), '') AS targets,
        nullif(array_to_string(list_sort(list_distinct([t.rule_id FOR t IN targets])), ', '), '') AS target_rules,
        cell_source.label AS text_cell_source,
        cell_source.rule_id AS text_cell_source_rule
    FROM per_item
)
SELECT
    item_id,
    modality <> 'not CGT' AS is_cgt,
    modality,
    modality_rule,
    modality_evidence,
    CASE WHEN modality IN ('CAR-T', 'CAR-NK and other CAR cells', 'TCR-T') THEN targets END AS target,
    CASE WHEN modality IN ('CAR-T', 'CAR-NK and other CAR cells', 'TCR-T') THEN target_rules END AS target_rule,
    CASE
        WHEN modality = 'not CGT' THEN NULL
        WHEN rule_cell_source = 'not applicable' THEN 'not applicable'
        ELSE coalesce(text_cell_source, rule_cell_source, 'unknown')
    END AS cell_source,
    CASE WHEN modality <> 'not CGT' AND rule_cell_source IS DISTINCT FROM 'not applicable'
        THEN coalesce(text_cell_source_rule, CASE WHEN rule_cell_source IS NOT NULL THEN modality_rule END) END
        AS cell_source_rule,
    CASE WHEN modality <> 'not CGT' THEN rule_delivery END AS delivery,
    (SELECT max(rules_version) FROM classifier_rules) AS rules_version
FROM labelled
