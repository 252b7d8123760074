-- What the atlas reports before a refresh merges anything: the facts run_changes compares against. Temporary
-- tables of the load's connection; three small projections, not copies of the warehouse.
CREATE OR REPLACE TEMP TABLE changes_before_trials AS
SELECT t.trial_id, t.registry, t.overall_status, t.phase
FROM trials AS t JOIN trial_classification AS c USING (trial_id) WHERE c.is_cgt;

CREATE OR REPLACE TEMP TABLE changes_before_sites AS
SELECT DISTINCT s.trial_id, s.country_code, coalesce(s.city, '') AS city, coalesce(s.facility, '') AS facility
FROM trial_sites AS s JOIN changes_before_trials USING (trial_id);

CREATE OR REPLACE TEMP TABLE changes_before_approvals AS
SELECT a.approval_id, a.agency, coalesce(a.brand_name, a.common_name, a.active_substance) AS label, a.status
FROM approvals AS a JOIN approval_classification AS c USING (approval_id) WHERE c.is_cgt;
