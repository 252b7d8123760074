-- Grain: one row per region x lead sponsor, for the 25 sponsors leading the most trials (clusters)
-- with a site in the region (ties share a rank, so a region may list a few more). sponsor_class: the
-- registry's class (INDUSTRY, OTHER, NIH, ...); cgt_trials: of those trials, the ones classified CGT;
-- top_modality: the sponsor's most frequent modality there. Both count rows of mart_cluster_countries
-- (trial x country), as mode() did; a tie goes to the first by name, where mode() picked one by chance.
WITH votes AS (
    SELECT region, lead_sponsor, 'class' AS kind, lead_sponsor_class AS value, count(*) AS n
    FROM mart_cluster_countries
    WHERE lead_sponsor IS NOT NULL AND lead_sponsor_class IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT region, lead_sponsor, 'modality', modality, count(*)
    FROM mart_cluster_countries
    WHERE lead_sponsor IS NOT NULL AND modality IS NOT NULL
    GROUP BY ALL
),
most_frequent AS (
    SELECT region, lead_sponsor,
        arg_min(value, (-n, value)) FILTER (WHERE kind = 'class') AS sponsor_class,
        arg_min(value, (-n, value)) FILTER (WHERE kind = 'modality') AS top_modality
    FROM votes
    GROUP BY region, lead_sponsor
),
per_sponsor AS (
    SELECT
        region,
        lead_sponsor,
        count(DISTINCT cluster_id) AS trials,
        count(DISTINCT cluster_id) FILTER (WHERE is_active) AS trials_active,
        count(DISTINCT cluster_id) FILTER (WHERE modality <> 'not CGT') AS cgt_trials,
        count(DISTINCT country_code) AS countries,
        min(start_year) AS first_start_year,
        max(start_year) AS last_start_year
    FROM mart_cluster_countries
    WHERE lead_sponsor IS NOT NULL
    GROUP BY region, lead_sponsor
),
ranked AS (
    SELECT per_sponsor.*, most_frequent.sponsor_class, most_frequent.top_modality,
        rank() OVER (PARTITION BY per_sponsor.region ORDER BY per_sponsor.trials DESC) AS sponsor_rank
    FROM per_sponsor
    LEFT JOIN most_frequent USING (region, lead_sponsor)
)
SELECT region, sponsor_rank, lead_sponsor, sponsor_class, trials, trials_active, cgt_trials, top_modality,
    countries, first_start_year, last_start_year
FROM ranked
WHERE sponsor_rank <= 25
ORDER BY region, sponsor_rank, lead_sponsor
