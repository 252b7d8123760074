-- Grain: one row per region x calendar year (NULL: trials with no start year). A PROXY for manufacturing demand, not a measurement:
-- no registry reports batches made. A CGT trial counts as running in a year from its start year to
-- its completion year (no completion date: to the current year if it is still active, else its start
-- year only), in every region where it has a site. Each is weighted by how its product is made:
--   per-patient (autologous cells, or cells of unknown source)         weight 3
--   batch (allogeneic cells; viral vectors, oncolytic, non-viral, AAV) weight 1
--   unclassified CGT                                                    weight 2
-- and every CGT product approved in the region by then counts 10 (commercial supply).
-- manufacturing_index = 3 x per_patient_trials + 1 x batch_trials + 2 x unclassified_trials
--                       + 10 x products_on_market.
-- year NULL: CGT trials no record of which gives a start year, counted on their own row per region (never
-- dropped) since they can be placed in no year; products_on_market is 0 there.
WITH cgt AS (
    SELECT DISTINCT cluster_id, region, start_year, end_year, is_active,
        CASE
            WHEN modality = 'unclassified CGT' THEN 'unclassified'
            WHEN cell_source IN ('autologous', 'unknown') THEN 'per_patient'
            ELSE 'batch'
        END AS manufacture
    FROM mart_cluster_countries
    WHERE modality <> 'not CGT'
),
years AS (
    SELECT unnest(range(min(start_year), year(current_date) + 1)) AS year FROM cgt
),
running AS (
    SELECT years.year, cgt.region, cgt.manufacture, count(DISTINCT cgt.cluster_id) AS trials
    FROM cgt
    JOIN years ON years.year BETWEEN cgt.start_year AND coalesce(
        cgt.end_year, CASE WHEN cgt.is_active THEN year(current_date) ELSE cgt.start_year END)
    GROUP BY ALL
    UNION ALL
    SELECT NULL AS year, region, manufacture, count(DISTINCT cluster_id) AS trials
    FROM cgt
    WHERE start_year IS NULL
    GROUP BY ALL
),
market AS (
    SELECT years.year, firsts.region, count(DISTINCT firsts.product_id) AS products
    FROM (SELECT product_id, region, min(approval_year) AS approval_year
          FROM product_first_approvals GROUP BY ALL) AS firsts
    JOIN years ON firsts.approval_year <= years.year
    GROUP BY ALL
),
grid AS (
    SELECT DISTINCT years.year, regions.region
    FROM years CROSS JOIN (SELECT DISTINCT region FROM cgt UNION SELECT DISTINCT region FROM market) AS regions
    UNION
    SELECT DISTINCT NULL, region FROM cgt WHERE start_year IS NULL
)
SELECT
    grid.region,
    grid.year,
    coalesce(sum(running.trials) FILTER (WHERE running.manufacture = 'per_patient'), 0)::BIGINT AS per_patient_trials,
    coalesce(sum(running.trials) FILTER (WHERE running.manufacture = 'batch'), 0)::BIGINT AS batch_trials,
    coalesce(sum(running.trials) FILTER (WHERE running.manufacture = 'unclassified'), 0)::BIGINT AS unclassified_trials,
    coalesce(min(market.products), 0) AS products_on_market,
    3 * per_patient_trials + batch_trials + 2 * unclassified_trials + 10 * products_on_market
        AS manufacturing_index,
    true AS is_proxy
FROM grid
LEFT JOIN running ON running.year IS NOT DISTINCT FROM grid.year AND running.region = grid.region
LEFT JOIN market ON market.year = grid.year AND market.region = grid.region
GROUP BY grid.region, grid.year
ORDER BY grid.region, grid.year NULLS LAST
