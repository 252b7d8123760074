-- ctis_record: one row per trial record in fetch order, from either body CTIS serves or
-- ctrdata stores: the current retrieve JSON (parts under authorizedApplication, EudraCT
-- number under authorizedApplication.eudraCt) or the pre-relaunch public view (the same
-- parts one level higher, eudraCtInfo). Search pages ({"pagination", "data"}) are landed
-- too; they hold no record and give no row. Types are explicit and nothing is inferred; the
-- overview keys ctrdata merges in (ctStatus, trialPhase text, ...) are read only as a fallback,
-- since a retrieve body does not have them. content_hash covers everything read plus the
-- parser's fingerprint.
CREATE OR REPLACE TEMP TABLE ctis_record AS
WITH body AS (
    SELECT
        list_position($pages, filename) AS file_seq,
        *
    FROM read_json(
        $pages,
        format = 'unstructured',
        maximum_object_size = 134217728,
        filename = true,
        columns = {
            'ctNumber': 'VARCHAR',
            'ctPublicStatusCode': 'BIGINT',
            'ctStatus': 'VARCHAR',
            'trialPhase': 'VARCHAR',
            'startDateEU': 'VARCHAR',
            'decisionDateOverall': 'VARCHAR',
            'authorizationDate': 'VARCHAR',
            'publishDate': 'VARCHAR',
            'lastPublicationUpdate': 'VARCHAR',
            'lastUpdated': 'VARCHAR',
            'totalNumberEnrolled': 'VARCHAR',
            'authorizedApplication': 'STRUCT(
                authorizedPartI {{PART_I}},
                authorizedPartsII {{PART_II}},
                eudraCt STRUCT(isTransitioned BOOLEAN, eudraCtCode VARCHAR),
                memberStatesConcerned STRUCT(mscName VARCHAR, countryName VARCHAR, firstDecisionDate VARCHAR)[]
            )',
            'authorizedPartI': '{{PART_I}}',
            'authorizedPartsII': '{{PART_II}}',
            'eudraCtInfo': 'STRUCT(eudraCtCode VARCHAR)',
            'memberStatesConcerned': 'STRUCT(mscName VARCHAR, countryName VARCHAR, firstDecisionDate VARCHAR)[]',
            'events': 'STRUCT(trialEvents STRUCT(mscName VARCHAR, events STRUCT(notificationType VARCHAR, "date" VARCHAR)[])[])'
        }
    )
    WHERE ctNumber IS NOT NULL
),
record AS (
    SELECT
        file_seq::BIGINT AS fetch_seq,
        trim(ctNumber) AS trial_id,
        ctPublicStatusCode,
        ctStatus,
        trialPhase AS overview_phase,
        startDateEU,
        coalesce(decisionDateOverall, authorizationDate) AS overview_decision_date,
        publishDate,
        lastPublicationUpdate,
        lastUpdated,
        totalNumberEnrolled,
        coalesce(authorizedApplication.authorizedPartI, authorizedPartI) AS p1,
        coalesce(authorizedApplication.authorizedPartsII, authorizedPartsII) AS p2,
        coalesce(authorizedApplication.eudraCt.eudraCtCode, eudraCtInfo.eudraCtCode) AS eudract_number,
        coalesce(authorizedApplication.memberStatesConcerned, memberStatesConcerned) AS mscs,
        events.trialEvents AS trial_events
    FROM body
)
SELECT *, hash(
    struct_pack(
        trial_id, ctPublicStatusCode, ctStatus, overview_phase, startDateEU, overview_decision_date,
        publishDate, lastPublicationUpdate, lastUpdated, totalNumberEnrolled, p1, p2, eudract_number,
        mscs, trial_events
    ),
    $fingerprint
) AS content_hash
FROM record
