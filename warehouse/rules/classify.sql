-- classify_items(input_table): one row per item_id of input_table (item_id, field, text), where field is
-- 'intervention', 'title' or 'flags'. The modality is the label of the first rule in file order that fires
-- anywhere in the item's texts (intervention texts before titles before flags on a tie); no rule: 'not CGT'.
CREATE OR REPLACE MACRO classify_items(input_table) AS TABLE
WITH input AS (
    SELECT item_id, field, lower(text) AS text
    FROM query_table(input_table)
    WHERE nullif(text, '') IS NOT NULL
),
items AS (
    SELECT DISTINCT item_id FROM query_table(input_table)
),
hits AS (
    SELECT item_id, field, 'modality' AS kind, unnest(modality_rule_hits(text)) AS hit FROM input
    UNION ALL
    SELECT item_id, field, 'target', unnest(target_rule_hits(text)) FROM input WHERE field <> 'flags'
    UNION ALL
    SELECT item_id, field, 'cell_source', unnest(cell_source_rule_hits(text)) FROM input WHERE field <> 'flags'
),
hit_rules AS (
    SELECT kind, hit, unnest(rules_matching(kind, hit)) AS rule_id
    FROM (SELECT DISTINCT kind, hit FROM hits)
),
fired AS (
    SELECT hits.item_id, hits.field, hits.hit, rules.*,
        rules.rule_order * 10 + list_position(['intervention', 'title', 'flags'], hits.field) AS rank
    FROM hits
    JOIN hit_rules USING (kind, hit)
    JOIN classifier_rules AS rules USING (rule_id)
    WHERE rules.field = CASE WHEN hits.field = 'flags' THEN 'flags' ELSE 'text' END
),
per_item AS (
    SELECT
        item_id,
        arg_min({'rule_id': rule_id, 'label': label, 'cell_source': cell_source, 'delivery': delivery,
                 'evidence': field || ': ' || hit}, rank) FILTER (WHERE kind = 'modality') AS modality,
        string_agg(DISTINCT label, '+' ORDER BY label) FILTER (WHERE kind = 'target') AS targets,
        string_agg(DISTINCT rule_id, ', ' ORDER BY rule_id) FILTER (WHERE kind = 'target') AS target_rules,
        arg_min({'rule_id': rule_id, 'label': label}, rank) FILTER (WHERE kind = 'cell_source') AS cell_source,
        any_value(rules_version) AS rules_version
    FROM fired
    GROUP BY item_id
),
labelled AS (
    SELECT
        items.item_id,
        coalesce(per_item.modality.label, 'not CGT') AS modality,
        coalesce(per_item.modality.rule_id, 'no_rule_fired') AS modality_rule,
        per_item.modality.evidence AS modality_evidence,
        per_item.modality.delivery AS rule_delivery,
        per_item.modality.cell_source AS rule_cell_source,
        per_item.targets,
        per_item.target_rules,
        per_item.cell_source.label AS text_cell_source,
        per_item.cell_source.rule_id AS text_cell_source_rule
    FROM items
    LEFT JOIN per_item USING (item_id)
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
    (SELECT any_value(rules_version) FROM classifier_rules) AS rules_version
FROM labelled
