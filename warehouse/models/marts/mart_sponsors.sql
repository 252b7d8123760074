-- Grain: one row per region x lead sponsor, for the 25 sponsors leading the most trials (clusters)
-- with a site in the region (ties share a rank, so a region may list a few more). sponsor_class: the
-- registry's class (INDUSTRY, OTHER, NIH, ...); cgt_trials: of those trials, the ones classified CGT;
-- top_modality: the sponsor's most frequent modality there.
WITH per_sponsor AS (
    SELECT
        region,
        lead_sponsor,
        mode(lead_sponsor_class) AS sponsor_class,
        count(DISTINCT cluster_id) AS trials,
        count(DISTINCT cluster_id) FILTER (WHERE is_active) AS trials_active,
        count(DISTINCT cluster_id) FILTER (WHERE modality <> 'not CGT') AS cgt_trials,
        mode(modality) AS top_modality,
        count(DISTINCT country_code) AS countries,
        min(start_year) AS first_start_year,
        max(start_year) AS last_start_year
    FROM mart_cluster_countries
    WHERE lead_sponsor IS NOT NULL
    GROUP BY region, lead_sponsor
),
ranked AS (
    SELECT *, rank() OVER (PARTITION BY region ORDER BY trials DESC) AS sponsor_rank FROM per_sponsor
)
SELECT region, sponsor_rank, lead_sponsor, sponsor_class, trials, trials_active, cgt_trials, top_modality,
    countries, first_start_year, last_start_year
FROM ranked
WHERE sponsor_rank <= 25
ORDER BY region, sponsor_rank, lead_sponsor
