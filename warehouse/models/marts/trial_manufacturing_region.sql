-- Grain: one row per investigational CGT trial (cluster, as the demand estimate counts it: its CGT is the
-- investigational product, withdrawn left out) x region where its product is likely made; one row with
-- manufacturing_region NULL (basis 'not known') when nothing says. AN ESTIMATE (is_estimate), never a fact from
-- the trial record: registries say where patients are treated, not where the product is made. The one basis used:
--   'sponsor's own site'  the lead sponsor runs a curated manufacturing site (manufacturing_sites, a making role:
--                         not testing or batch release): the operator's organisation_key equals the sponsor's, or
--                         is a word prefix of it ("novartis" / "novartis pharmaceuticals"), on the sponsor as
--                         written or its organisation's name. A sponsor with sites in two regions gives two rows;
--                         any of its making sites counts, whatever product it makes (a firm's gene therapy plant
--                         says where the firm makes things, not that it makes this trial's product).
-- A named CDMO or point-of-care manufacture needs a facilities table (issue 20, item 2), not built yet: such trials
-- are 'not known' here.
-- Columns:
--   cluster_id: the trial (cluster; `mart_cluster_countries`)
--   lead_sponsor: the trial's lead sponsor as written
--   manufacturing_region: a region of the sponsor's own making sites; NULL: not known
--   basis: `sponsor's own site` or `not known`
--   site_names: the sponsor's making sites in that region, ` | `-joined in order
--   source_urls: the pages stating those sites, space-separated in order
--   is_estimate: always true
WITH trials AS (
    SELECT cluster_id, min(lead_sponsor) AS lead_sponsor
    FROM mart_cluster_countries
    WHERE modality <> 'not CGT' AND counts_as_development AND coalesce(overall_status, '') <> 'WITHDRAWN'
    GROUP BY cluster_id
),
sponsor_keys AS (
    SELECT DISTINCT trials.cluster_id, organisation_key(trials.lead_sponsor) AS sponsor_key
    FROM trials
    UNION
    SELECT DISTINCT trials.cluster_id, organisation_key(orgs.organisation_name)
    FROM trials
    JOIN trial_clusters AS clusters USING (cluster_id)
    JOIN trial_organisations AS orgs ON orgs.trial_id = clusters.trial_id AND orgs."role" = 'lead'
),
operators AS (
    SELECT organisation_key(site_operator) AS operator_key, region, site_name, source_url
    FROM manufacturing_sites
    WHERE "role" NOT IN ('testing', 'batch_release') AND organisation_key(site_operator) IS NOT NULL
),
own_sites AS (
    SELECT sponsor_keys.cluster_id, operators.region, operators.site_name, operators.source_url
    FROM sponsor_keys
    JOIN operators
        ON sponsor_keys.sponsor_key = operators.operator_key
        OR starts_with(sponsor_keys.sponsor_key, operators.operator_key || ' ')
),
estimated AS (
    SELECT cluster_id, region AS manufacturing_region, 'sponsor''s own site' AS basis,
        string_agg(DISTINCT site_name, ' | ' ORDER BY site_name) AS site_names,
        string_agg(DISTINCT source_url, ' ' ORDER BY source_url) AS source_urls
    FROM own_sites
    GROUP BY cluster_id, region
)
SELECT
    trials.cluster_id,
    trials.lead_sponsor,
    estimated.manufacturing_region,
    coalesce(estimated.basis, 'not known') AS basis,
    estimated.site_names,
    estimated.source_urls,
    true AS is_estimate
FROM trials
LEFT JOIN estimated USING (cluster_id)
ORDER BY trials.cluster_id, estimated.manufacturing_region
