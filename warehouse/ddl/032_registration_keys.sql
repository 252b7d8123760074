-- Keys the probable-duplicate model compares registrations on (warehouse/models/marts/probable_duplicates.sql).
-- registration_text_key: lower case, "+" read as " plus " and a minus sign ending a word ("Ph- B-ALL") as
-- " minus ", so "Ph+ B-ALL" and "Ph- B-ALL" stay apart; every other run of punctuation is one space.
CREATE OR REPLACE MACRO registration_text_key(text) AS nullif(trim(regexp_replace(regexp_replace(regexp_replace(
    lower(text), '\+', ' plus ', 'g'), '([a-z0-9])-(\s|$)', '\1 minus ', 'g'), '[^a-z0-9]+', ' ', 'g')), '');
-- registration_sponsor_key: the text key without legal-form words (co, ltd, inc, llc, gmbh, ...), so
-- "Beijing Biotech Co., Ltd." and "Beijing Biotech" agree.
CREATE OR REPLACE MACRO registration_sponsor_key(name) AS nullif(trim(regexp_replace(regexp_replace(
    registration_text_key(name),
    '\b(co|ltd|limited|inc|incorporated|llc|gmbh|ag|sa|plc|bv|nv|corp|corporation|company|the)\b', ' ', 'g'),
    '\s+', ' ', 'g')), '');
