-- Grain: one row per change a refresh made to what the atlas reports (key: run_id, change, entity_key), for
-- `cgt-atlas changes` and the report's "What is new": new CGT trials, trials whose status or phase changed,
-- new sites of CGT trials already known, new CGT approvals, and approvals withdrawn, suspended or gone. A
-- first load is the baseline and records none. Written in the load's transaction from a snapshot taken
-- before the sources merged (warehouse/changes/).
-- Columns:
--   run_id: the refresh that made the change (`pipeline_runs.run_id`)
--   recorded_at: when the refresh recorded it
--   change: `new_trial`, `trial_status`, `trial_phase`, `new_site`, `new_approval`, `approval_ended`
--   source: the registry (trials, sites) or agency (approvals) the change came from
--   entity_key: the trial id (trials, sites: `trial_id|country_code|city|facility`) or approval record id
--   label: what a person reads: the trial's title, the site's place, the product's name
--   before: the value before the refresh (status or phase; an approval's status); NULL for something new
--   after: the value after it; NULL for an approval that is gone
CREATE TABLE IF NOT EXISTS run_changes (
    run_id VARCHAR,
    recorded_at TIMESTAMPTZ,
    change VARCHAR,
    source VARCHAR,
    entity_key VARCHAR,
    label VARCHAR,
    "before" VARCHAR,
    "after" VARCHAR
);
