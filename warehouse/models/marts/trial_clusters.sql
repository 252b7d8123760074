-- Grain: one row per trial record. A cluster is one real-world trial: the records joined,
-- directly or through others, by trial_links (shared registry numbers, and probable duplicate
-- registrations). cluster_id is the trial_id of its preferred
-- record, chosen by (1) a native record before an ICTRP copy (native records are richer),
-- (2) registry preference: ctgov (facility-level sites, structured fields), ctis, euctr,
-- then the WHO primary registries (jprn, chictr, cris, ctri, anzctr, drks, isrctn, omon, irct, pactr, rebec,
-- tctr, slctr, lbctr, repec, rpcec, itmctr: the order of registry_rank below), (3) trial_id. preference is
-- that order within the cluster (1 = preferred). registry_cluster_id: the same, walking only the
-- links of kind registry_number, so the probable-duplicate rule can be left out: count distinct
-- registry_cluster_id instead of cluster_id. Where they differ, the record's registration was
-- merged into the cluster as a probable duplicate.
-- Only linked records walk the graph; every other record is a cluster of its own.
-- Columns:
--   cluster_id: the cluster: its preferred record's trial_id
--   trial_id: the record
--   is_preferred: the record is its cluster's preferred record (`preference = 1`)
--   preference: the record's place in its cluster's preference order (1 = preferred)
--   registry: the record's registry (`trials.registry`)
--   via_ictrp: the record is an ICTRP record (in `ictrp_records`)
--   registry_cluster_id: the cluster the record would belong to without the probable-duplicate rule (walking
--     `registry_number` links only; same preference order). `count(DISTINCT registry_cluster_id)` counts trials without
--     the rule; a record whose `registry_cluster_id` differs from its `cluster_id` was merged in as a probable duplicate
WITH RECURSIVE edge AS (
    SELECT trial_id, linked_trial_id, link_kind = 'registry_number' AS by_number FROM trial_links
),
reach(by_number_only, trial_id, member) AS (
    SELECT DISTINCT false, trial_id, trial_id FROM edge
    UNION
    SELECT DISTINCT true, trial_id, trial_id FROM edge WHERE by_number
    UNION
    SELECT reach.by_number_only, reach.trial_id, edge.linked_trial_id
    FROM reach
    JOIN edge ON edge.trial_id = reach.member AND (edge.by_number OR NOT reach.by_number_only)
),
linked AS (
    SELECT trial_id, min(member) FILTER (WHERE NOT by_number_only) AS component,
        min(member) FILTER (WHERE by_number_only) AS number_component
    FROM reach GROUP BY trial_id
),
component AS (
    SELECT trials.trial_id, coalesce(linked.component, trials.trial_id) AS component,
        coalesce(linked.number_component, trials.trial_id) AS number_component
    FROM trials
    LEFT JOIN linked USING (trial_id)
),
ranked AS (
    SELECT
        component.component,
        component.number_component,
        trials.trial_id,
        trials.registry,
        trials.trial_id IN (SELECT trial_id FROM ictrp_records) AS via_ictrp,
        coalesce(list_position(
            ['ctgov', 'ctis', 'euctr', 'jprn', 'chictr', 'cris', 'ctri', 'anzctr', 'drks', 'isrctn', 'omon',
             'irct', 'pactr', 'rebec', 'tctr', 'slctr', 'lbctr', 'repec', 'rpcec', 'itmctr'],
            trials.registry
        ), 99) AS registry_rank
    FROM trials
    JOIN component USING (trial_id)
),
ordered AS (
    SELECT *,
        row_number() OVER (PARTITION BY component ORDER BY via_ictrp, registry_rank, trial_id) AS preference
    FROM ranked
)
SELECT
    first_value(trial_id) OVER (PARTITION BY component ORDER BY preference) AS cluster_id,
    trial_id,
    preference = 1 AS is_preferred,
    preference,
    registry,
    via_ictrp,
    first_value(trial_id) OVER (PARTITION BY number_component ORDER BY via_ictrp, registry_rank, trial_id)
        AS registry_cluster_id
FROM ordered
ORDER BY cluster_id, preference
