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
    UNION ALL
    SELECT field_class, text, 'role', unnest(role_rule_hits(text)) FROM texts WHERE NOT is_flags
),
hit_rules AS (
    SELECT kind, hit, unnest(rules_matching(kind, hit)) AS rule_id
    FROM (SELECT DISTINCT kind, hit FROM text_hits)
),
-- A cell-source hit that an 'ignore' rule matches ("allogeneic stem cell transplantation") says nothing about the
-- product's source, even though the words of another rule ("allogeneic") are in it.
ignored_hits AS (
    SELECT DISTINCT hit_rules.hit
    FROM hit_rules JOIN classifier_rules AS rules USING (rule_id)
    WHERE hit_rules.kind = 'cell_source' AND rules.label = 'ignore'
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
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label, 'hit': text_hits.hit},
                (rules.rule_order, text_hits.hit)) FILTER (WHERE rules.kind = 'cell_source' AND NOT text_hits.is_ignored)
            AS cell_source,
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label, 'hit': text_hits.hit},
                (rules.rule_order, text_hits.hit)) FILTER (WHERE rules.kind = 'role') AS role
    FROM (SELECT *, hit IN (SELECT hit FROM ignored_hits) AS is_ignored FROM text_hits) AS text_hits
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
        arg_min({'rule_order': cell_source.rule_order, 'rule_id': cell_source.rule_id, 'label': cell_source.label,
                 'evidence': input.field || ': ' || cell_source.hit},
                (cell_source.rule_order * 10 + coalesce(input.field_rank, 9), cell_source.hit))
            FILTER (WHERE cell_source IS NOT NULL) AS cell_source,
        -- A role is read from the titles, which say what a trial is about: intervention descriptions list schedules
        -- and assessments ("before ASCT", "quality of life"), conditions say who is treated.
        arg_min({'rule_order': role.rule_order, 'rule_id': role.rule_id, 'label': role.label,
                 'evidence': input.field || ': ' || role.hit},
                (role.rule_order * 10 + input.field_rank, role.hit))
            FILTER (WHERE role IS NOT NULL AND input.field IN ('title', 'official_title'))
            AS role
    FROM input
    JOIN text_labels USING (field_class, text)
    GROUP BY input.item_id
),
-- Summaries: only of items the short texts leave unlabelled, with a catch-all label, without a target, with a
-- CAR label and in vivo wording (an in vivo CAR is often named only there), or with a CGT label and no cell source.
summary_input AS (
    SELECT summaries.item_id, summaries.text
    FROM query_table(input_table) AS summaries
    LEFT JOIN short_labels USING (item_id)
    WHERE summaries.field = 'summary' AND nullif(summaries.text, '') IS NOT NULL
      AND (short_labels.modality IS NULL
           OR is_catch_all_modality(short_labels.modality.label)
           OR (is_car_family_modality(short_labels.modality.label) AND coalesce(len(short_labels.targets), 0) = 0)
           OR (short_labels.modality.label IN ('CAR-T', 'CAR-NK and other CAR cells')
               AND regexp_matches(summaries.text, '(?i)vivo|lnp|nanoparticle|circular rna|inside the body|directly into'))
           OR (short_labels.cell_source IS NULL AND short_labels.modality.label <> 'not CGT'
               AND short_labels.modality.cell_source IS NULL
               -- read for its cell source only if it has the words the summary cell-source rules need
               AND regexp_matches(summaries.text,
                   '(?i)autolog|allogen|donor|off[- ]the[- ]shelf|universal|ucar|\bown\b|(?:collected|taken|harvested|obtained|isolated) from')))
),
summary_texts AS (
    SELECT DISTINCT text FROM summary_input
),
summary_hits AS (
    SELECT text, 'modality' AS kind, unnest(summary_modality_rule_hits(mask_for_modality(lower(text)))) AS hit
    FROM summary_texts
    UNION ALL
    SELECT text, 'target', unnest(summary_target_rule_hits(lower(text))) FROM summary_texts
    UNION ALL
    SELECT text, 'cell_source', unnest(summary_cell_source_rule_hits(lower(text))) FROM summary_texts
    UNION ALL
    SELECT text, 'role', unnest(summary_role_rule_hits(lower(text))) FROM summary_texts
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
            AS targets,
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label,
                 'evidence': 'summary: ' || summary_hits.hit},
                (rules.rule_order, summary_hits.hit)) FILTER (WHERE rules.kind = 'cell_source' AND NOT is_ignored)
            AS cell_source,
        arg_min({'rule_order': rules.rule_order, 'rule_id': rules.rule_id, 'label': rules.label,
                 'evidence': 'summary: ' || summary_hits.hit},
                (rules.rule_order, summary_hits.hit)) FILTER (WHERE rules.kind = 'role') AS role
    -- Few summaries are read: their hits are tested directly, without the distinct-hit step.
    FROM (
        SELECT text, hit, rule_id,
            bool_or(kind = 'cell_source' AND label = 'ignore') OVER (PARTITION BY text, kind, hit) AS is_ignored
        FROM (SELECT text, kind, hit, unnest(rules_matching(kind, hit)) AS rule_id FROM summary_hits)
        JOIN classifier_rules USING (rule_id, kind)
    ) AS summary_hits
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
                          AND summary_labels.modality.rule_order < short_labels.modality.rule_order)
                      OR (summary_labels.modality.label = 'in vivo CAR'
                          AND short_labels.modality.label IN ('CAR-T', 'CAR-NK and other CAR cells')))
            THEN summary_labels.modality
            ELSE short_labels.modality
        END AS modality,
        CASE WHEN coalesce(len(short_labels.targets), 0) > 0 THEN short_labels.targets ELSE summary_labels.targets END
            AS targets,
        short_labels.cell_source,
        summary_labels.cell_source AS summary_cell_source,
        short_labels.role AS short_role,
        summary_labels.role AS summary_role
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
        coalesce(cell_source, summary_cell_source) AS stated_source,
        -- The summary's role counts only where the summary alone names the CGT.
        CASE WHEN modality.label IS NOT NULL AND modality.label <> 'not CGT'
            THEN coalesce(short_role, CASE WHEN starts_with(modality.evidence, 'summary: ') THEN summary_role END)
        END AS role
    FROM per_item
),
-- Cell source, strongest evidence first: an in vivo or cell-free modality (the rule that fired names it); a named
-- product; the record's own words (short texts, then the summary); the documented default of the modality
-- (warehouse/rules/cell_source_defaults.csv, or the modality rule's own default); else unknown.
sourced AS (
    SELECT labelled.*,
        CASE
            WHEN modality = 'not CGT' THEN NULL
            WHEN rule_cell_source IN ('in vivo', 'not applicable') THEN
                {'label': rule_cell_source,
                 'basis': CASE WHEN modality_rule LIKE 'product\_%' ESCAPE '\' THEN 'named product' ELSE 'explicit' END,
                 'rule_id': modality_rule, 'evidence': modality_evidence}
            WHEN stated_source IS NOT NULL THEN
                {'label': stated_source.label,
                 'basis': CASE WHEN stated_source.rule_id LIKE 'product\_%' ESCAPE '\'
                                 OR stated_source.rule_id LIKE 'src\_named\_%' ESCAPE '\'
                               THEN 'named product' ELSE 'explicit' END,
                 'rule_id': stated_source.rule_id, 'evidence': stated_source.evidence}
            WHEN rule_cell_source IS NOT NULL THEN
                {'label': rule_cell_source,
                 'basis': CASE WHEN modality_rule LIKE 'product\_%' ESCAPE '\' THEN 'named product' ELSE 'default' END,
                 'rule_id': modality_rule, 'evidence': 'default of rule ' || modality_rule || ' (' || modality_evidence || ')'}
            WHEN defaults.cell_source IS NOT NULL THEN
                {'label': defaults.cell_source, 'basis': 'default', 'rule_id': 'default:' || modality,
                 'evidence': defaults.reason}
            ELSE {'label': 'unknown', 'basis': NULL, 'rule_id': NULL, 'evidence': NULL}
        END AS source
    FROM labelled
    LEFT JOIN cell_source_defaults AS defaults USING (modality)
)
SELECT
    item_id,
    modality <> 'not CGT' AS is_cgt,
    modality,
    modality_rule,
    modality_evidence,
    CASE WHEN is_car_family_modality(modality) THEN targets END AS target,
    CASE WHEN is_car_family_modality(modality) THEN target_rules END AS target_rule,
    source.label AS cell_source,
    source.rule_id AS cell_source_rule,
    CASE WHEN modality <> 'not CGT' THEN rule_delivery END AS delivery,
    (SELECT max(rules_version) FROM classifier_rules) AS rules_version,
    source.basis AS cell_source_basis,
    source.evidence AS cell_source_evidence,
    CASE WHEN modality <> 'not CGT' THEN coalesce(role.label, 'investigational') END AS cgt_role,
    role.rule_id AS cgt_role_rule,
    role.evidence AS cgt_role_evidence
FROM sourced
