-- trial_conditions: Condition split on ";" and <br>, one row per distinct condition.
SELECT DISTINCT trial_id, trim(item) AS condition, fetch_seq
FROM (
    SELECT trial_id, fetch_seq, unnest(regexp_split_to_array(Condition, '(?i);|<br\s*/?>')) AS item
    FROM ictrp_trial
)
WHERE trim(item) <> ''
