-- organisation_key(name): the one normalisation sponsor names, aliases and site facility names are
-- matched on (docs/organisations.md). Lower case, accents stripped, every run of punctuation a word
-- break, single letters in a row joined ("M.D." and "M D" both give "md", "S.A." gives "sa"), legal
-- suffix words dropped (inc, ltd, co, gmbh, corp, llc, sa, ag, ...), words joined by one space.
CREATE OR REPLACE MACRO organisation_words(name) AS list_filter(
    string_split(regexp_replace(lower(strip_accents(coalesce(name, ''))), '[^a-z0-9]+', ' ', 'g'), ' '),
    lambda word: word <> '');
CREATE OR REPLACE MACRO organisation_initials_joined(words) AS list_filter(string_split(array_to_string(
    list_transform(range(1, len(words) + 1), lambda i: CASE
        WHEN i > 1 AND length(words[i]) = 1 AND length(words[i - 1]) = 1 THEN '' ELSE ' ' END || words[i]),
    ''), ' '), lambda word: word <> '');
CREATE OR REPLACE MACRO organisation_key(name) AS nullif(array_to_string(list_filter(
    organisation_initials_joined(organisation_words(name)),
    lambda word: word NOT IN ('inc', 'incorporated', 'ltd', 'limited', 'co', 'corp', 'corporation', 'company',
        'llc', 'lp', 'plc', 'gmbh', 'ag', 'sa', 'sas', 'spa', 'srl', 'bv', 'nv', 'pte', 'pty', 'kk')),
    ' '), '');
