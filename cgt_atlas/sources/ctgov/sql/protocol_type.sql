STRUCT(
    identificationModule STRUCT(
        nctId VARCHAR,
        nctIdAliases VARCHAR[],
        orgStudyIdInfo STRUCT(id VARCHAR),
        secondaryIdInfos STRUCT(id VARCHAR, "type" VARCHAR, "domain" VARCHAR)[],
        briefTitle VARCHAR,
        officialTitle VARCHAR,
        acronym VARCHAR
    ),
    statusModule STRUCT(
        overallStatus VARCHAR,
        startDateStruct STRUCT(date VARCHAR, "type" VARCHAR),
        primaryCompletionDateStruct STRUCT(date VARCHAR, "type" VARCHAR),
        completionDateStruct STRUCT(date VARCHAR, "type" VARCHAR),
        studyFirstPostDateStruct STRUCT(date VARCHAR),
        lastUpdatePostDateStruct STRUCT(date VARCHAR)
    ),
    sponsorCollaboratorsModule STRUCT(
        responsibleParty STRUCT(
            "type" VARCHAR, investigatorFullName VARCHAR, investigatorAffiliation VARCHAR
        ),
        leadSponsor STRUCT("name" VARCHAR, "class" VARCHAR),
        collaborators STRUCT("name" VARCHAR, "class" VARCHAR)[]
    ),
    descriptionModule STRUCT(briefSummary VARCHAR),
    conditionsModule STRUCT(conditions VARCHAR[], keywords VARCHAR[]),
    designModule STRUCT(
        studyType VARCHAR,
        phases VARCHAR[],
        enrollmentInfo STRUCT(count BIGINT, "type" VARCHAR)
    ),
    armsInterventionsModule STRUCT(
        interventions STRUCT("type" VARCHAR, "name" VARCHAR, description VARCHAR, otherNames VARCHAR[])[]
    ),
    contactsLocationsModule STRUCT(
        overallOfficials STRUCT("name" VARCHAR, affiliation VARCHAR, "role" VARCHAR)[],
        locations STRUCT(
            facility VARCHAR, status VARCHAR, city VARCHAR, state VARCHAR, zip VARCHAR,
            country VARCHAR, geoPoint STRUCT(lat DOUBLE, lon DOUBLE)
        )[]
    )
)
