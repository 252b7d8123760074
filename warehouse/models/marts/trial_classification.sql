-- Grain: one row per trial record (item_id = trial_id). is_cgt, one primary modality (or 'not CGT'),
-- the rule that fired and the text it fired on, target antigen(s) for CAR/TCR constructs, cell source,
-- delivery, and the rules version. Rules: warehouse/rules/modality_rules.csv; method: docs/classifier.md.
-- Columns:
--   trial_id: the trial record
--   is_cgt: the record is a cell or gene therapy
--   modality: one of the 15 labels in docs/classifier.md, `not CGT` and `unclassified CGT` included
--   modality_rule: the rule that fired (`classifier_rules.rule_id`); `no_rule_fired`
--   modality_evidence: `field: matched text`; field is one of the input fields (`stg_trial_classifier_input`), e.g.
--     `summary: car-t` when only the brief summary says what the product is
--   target: CAR, CAR-NK and TCR-T (and `in vivo CAR`) only: antigens joined by `+`
--   target_rule: the rule that gave the target
--   cell_source: `autologous`, `allogeneic`, `either` (the record says "autologous or allogeneic"; rules 2026.12.7), `in vivo` (the product makes or changes cells inside the patient: in vivo
--     CAR, AAV and other vectors, in vivo editing; was `not applicable` before rules 2026.12.5), `not applicable`
--     (oncolytic viruses), `unknown`; NULL when not CGT
--   cell_source_rule: the rule that decided it, or `default:<modality>`
--   delivery: `ex vivo`, `in vivo`; NULL when not known
--   rules_version: `classifier_rules.rules_version`
--   cell_source_basis: `explicit`: the record's words say it; `named product`: a product whose source is known
--     (`src_named_*` and `product_*` rules); `default`: the documented default of the modality
--     (`cell_source_defaults`); NULL when unknown
--   cell_source_evidence: `field: matched text`, or the default's reason
--   cgt_role: `investigational`: a CGT is the trial's investigational product; `population`: the CGT is only the
--     population or background (supportive care, drugs given to CAR-T recipients, registries); `follow-up`:
--     long-term follow-up of patients treated in earlier trials; NULL when not CGT
--   cgt_role_rule: the rule that gave the role
--   cgt_role_evidence: `field: matched text`; NULL for investigational trials no role rule fired on
SELECT item_id AS trial_id, * EXCLUDE (item_id)
FROM classify_items('stg_trial_classifier_input')
ORDER BY trial_id
