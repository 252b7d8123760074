-- Grain: one row per trial record. A cluster is one real-world trial: the records joined,
-- directly or through others, by trial_links. cluster_id is the trial_id of its preferred
-- record, chosen by (1) a native record before an ICTRP copy (native records are richer),
-- (2) registry preference: ctgov (facility-level sites, structured fields), ctis, euctr,
-- then the WHO primary registries in the order listed below, (3) trial_id. preference is
-- that order within the cluster (1 = preferred).
-- Only linked records walk the graph; every other record is a cluster of its own.
WITH RECURSIVE reach(trial_id, member) AS (
    SELECT DISTINCT trial_id, trial_id FROM trial_links
    UNION
    SELECT reach.trial_id, links.linked_trial_id
    FROM reach
    JOIN trial_links AS links ON links.trial_id = reach.member
),
linked AS (
    SELECT trial_id, min(member) AS component FROM reach GROUP BY trial_id
),
component AS (
    SELECT trials.trial_id, coalesce(linked.component, trials.trial_id) AS component
    FROM trials
    LEFT JOIN linked USING (trial_id)
),
ranked AS (
    SELECT
        component.component,
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
    via_ictrp
FROM ordered
ORDER BY cluster_id, preference
