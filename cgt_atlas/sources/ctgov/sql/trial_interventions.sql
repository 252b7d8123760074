-- trial_interventions: one row per intervention of a study, in registry order.
WITH intervention AS (
    SELECT
        ps.identificationModule.nctId AS trial_id,
        fetch_seq,
        unnest(ps.armsInterventionsModule.interventions) AS item,
        generate_subscripts(ps.armsInterventionsModule.interventions, 1) AS intervention_index
    FROM ctgov_study
)
SELECT
    trial_id,
    intervention_index,
    item."type" AS intervention_type,
    item."name" AS "name",
    item.description AS description,
    coalesce(item.otherNames, []) AS other_names,
    fetch_seq
FROM intervention
