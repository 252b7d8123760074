-- Grain: one row per distinct organisation or facility name the warehouse holds (trial sponsors, lead sponsors,
-- trial site facilities, FDA establishments' firms and registrants), with its organisation_key(name). The key is
-- a heavy string function: computed once per distinct name here, then joined, instead of once per row in each
-- model that matches names (a facility repeats across thousands of trials). name_key NULL: a name of only legal
-- suffixes or punctuation, which matches nothing.
-- Columns:
--   name: a sponsor, lead sponsor, site facility, FDA firm or registrant name as written
--   name_key: `organisation_key(name)`; NULL: a name of only legal suffixes or punctuation
SELECT "name", organisation_key("name") AS name_key
FROM (
    SELECT "name" FROM trial_sponsors
    UNION
    SELECT lead_sponsor FROM trials
    UNION
    SELECT facility FROM trial_sites
    UNION
    SELECT firm_name FROM establishments
    UNION
    SELECT registrant_name FROM establishments
)
WHERE "name" IS NOT NULL
ORDER BY "name"
