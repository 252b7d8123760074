-- One row per study, in fetch order, from GET /studies pages ({"studies": [...], "totalCount",
-- "nextPageToken"}) or GET /studies/{nctId} bodies (one study object). Types are explicit:
-- nothing is inferred, fields the API leaves out read as NULL, and dates stay text so
-- YYYY / YYYY-MM / YYYY-MM-DD keep their precision. A study seen twice in a run is resolved
-- at load (the latest fetch_seq wins). content_hash is DuckDB's hash() of everything parsed
-- plus the parser's fingerprint, so a parser change reloads the rows it parsed.
CREATE OR REPLACE TEMP TABLE ctgov_study AS
WITH page AS (
    SELECT
        list_position($pages, filename) AS file_seq,
        totalCount AS reported_total,
        studies IS NOT NULL OR nextPageToken IS NOT NULL AS paged,
        coalesce(
            studies,
            CASE WHEN protocolSection IS NOT NULL
                THEN [{'protocolSection': protocolSection, 'hasResults': hasResults}] END,
            []
        ) AS studies
    FROM read_json(
        $pages,
        format = 'unstructured',
        maximum_object_size = 134217728,
        filename = true,
        columns = {
            'studies': 'STRUCT(protocolSection {{PROTOCOL}}, hasResults BOOLEAN)[]',
            'totalCount': 'BIGINT',
            'nextPageToken': 'VARCHAR',
            'protocolSection': '{{PROTOCOL}}',
            'hasResults': 'BOOLEAN'
        }
    )
),
-- An empty page yields one row with a NULL study (is_study false), so its totalCount is not
-- lost; the parser reads the count and deletes those rows.
flat AS (
    SELECT
        file_seq,
        reported_total,
        paged,
        unnest(CASE WHEN len(studies) > 0 THEN studies ELSE [NULL] END) AS study,
        generate_subscripts(CASE WHEN len(studies) > 0 THEN studies ELSE [NULL] END, 1) AS position
    FROM page
)
SELECT
    file_seq * 100000 + position AS fetch_seq,
    reported_total,
    paged,
    study IS NOT NULL AS is_study,
    study.protocolSection AS ps,
    study.hasResults AS has_results,
    hash(study, $fingerprint) AS content_hash
FROM flat
