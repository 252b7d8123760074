-- Grain: one row per start year x phase x modality (NULLs: unknown year or phase) of the CGT trials none of whose
-- records lists a site or a country: the trials the regional and country activity marts cannot place,
-- counted here so that they are never dropped. The figures mean what they mean in those marts (counted trials in
-- trials_started, the others apart); a trial is here or in the regional mart, never in both.
-- Columns:
--   *: as in activity_trial_counts
SELECT * EXCLUDE (key_kind, country_code, country, region)
FROM activity_trial_counts
WHERE key_kind = 'region' AND region IS NULL
ORDER BY start_year, phase, modality
