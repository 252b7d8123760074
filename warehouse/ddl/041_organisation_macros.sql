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
-- organisation_words_pattern(): words that make a name an organisation's, never a person's (docs/organisations.md).
CREATE OR REPLACE MACRO organisation_words_pattern() AS
    '\b(universi\w*|univ|hospi\w*|hopit\w*|\w*klinik\w*|clinic\w*|ospedal\w*|institu\w*|istitut\w*|cent(er|re|ro|rum)\w*'
    || '|college|school|academ\w*|medic\w*|health\w*|care|foundation|fundac\w*|fondaz\w*|stiftung|group\w*|gruppo'
    || '|grupo|society|soci\w*|associat\w*|network|council|ministry|department|trust|consortium|alliance|cooperat\w*'
    || '|research|cancer|oncolog\w*|pharm\w*|bio\w*|therap\w*|scien\w*|technolog\w*|lab\w*|gene\w*|cell\w*|immun\w*'
    || '|corp\w*|inc|ltd|llc|gmbh|limited|company|co|holding\w*|service\w*|national|federal|government|city|county'
    || '|state|province|provincial|people|children|army|pla|union|kaiser|program\w*|project|study|trials?|unit'
    || '|registry|office|the|of|and|for|de|la|du|der|und)\b';
-- is_person_sponsor(name, sponsor_class): the sponsor is a person (an investigator), not an organisation:
-- the registry says so (class INDIV), or the name carries a degree (MD, PhD, Dr, Prof) or is two or three
-- capitalised words (or "Last, First"), and no word of it names an organisation. Never for a registry class that is an organisation.
CREATE OR REPLACE MACRO is_person_sponsor(name, sponsor_class) AS
    coalesce(sponsor_class, '') NOT IN ('INDUSTRY', 'NIH', 'FED', 'OTHER_GOV', 'NETWORK')
    AND (
        coalesce(sponsor_class, '') = 'INDIV'
        OR (NOT regexp_matches(lower(strip_accents(coalesce(name, ''))), organisation_words_pattern())
            AND NOT regexp_matches(coalesce(name, ''), '\d')
            AND (regexp_matches(coalesce(name, ''),
                    '(?i)(?:^|[\s,])(?:m\.?\s?d|ph\.?\s?d|m\.?\s?p\.?\s?h|mbbs|frcpc?|dr|prof)\.?(?:$|[\s,])')
                 OR regexp_matches(strip_accents(coalesce(name, '')), '^[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}$')
                 OR regexp_matches(strip_accents(coalesce(name, '')), '^[A-Z][a-z]+, [A-Z][a-z]+(?: [A-Z][a-z]*\.?)?$')))
    );
-- is_company_name(name): a name written with a company's legal form (Co., Ltd., Inc., LLC, GmbH, Corp., S.A.,
-- AG, plc, K.K.) and no word of a hospital, university or institute: a company, whatever class the registry gave.
CREATE OR REPLACE MACRO is_company_name(name) AS
    regexp_matches(lower(coalesce(name, '')),
        '(?:\bco\.?,? ?ltd\b|\bltd\b|\blimited\b|\binc\b\.?|\bllc\b|\bgmbh\b|\bcorp\b|\bcorporation\b|\bs\.a\.|\bag\b'
        || '|\bplc\b|\bk\.k\.|\bco\.? ?$|\bco\.,)')
    AND NOT regexp_matches(lower(coalesce(name, '')),
        '\b(universi\w*|hospi\w*|clinic\w*|institu\w*|college|school|foundation|fundac\w*|medical cent\w*)\b');
-- institution_key(key): an organisation_key with the words that name a part of an institution removed (the
-- first/second affiliated hospital of, children's hospital of, hospital of the, school/college of medicine,
-- medical college/school/center, cancer center/hospital, university hospital): "second affiliated hospital
-- zhejiang university school of medicine" -> "zhejiang university". Models merge a name into the result only
-- when it names a university, college or academy that is itself a sponsor (sponsor_organisations).
CREATE OR REPLACE MACRO institution_key(key) AS nullif(trim(regexp_replace(regexp_replace(regexp_replace(
    coalesce(key, ''),
    '\b(the )?((first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|1st|2nd|3rd|[4-9]th) )?'
        || '(affiliated )?(children s |women s |cancer |stomatolog\w* |eye |tumou?r )?hospital( of| at)?( the)?\b', ' ',
        'g'),
    '\b(school of medicine|college of medicine|faculty of medicine|medical (college|school|cent(er|re))( of)?'
        || '|health science cent(er|re)|cancer (cent(er|re)|hospital|institute)|comprehensive)\b', ' ', 'g'),
    '\s+', ' ', 'g')), '');
CREATE OR REPLACE MACRO is_university_key(key) AS
    regexp_matches(coalesce(key, ''), '\b(universi\w*|college|academy)\b');
