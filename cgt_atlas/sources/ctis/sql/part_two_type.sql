STRUCT(
    mscInfo STRUCT(countryName VARCHAR, mscName VARCHAR, trialStatus VARCHAR, firstDecisionDate VARCHAR),
    recruitmentSubjectCount BIGINT,
    trialSites STRUCT(
        departmentName VARCHAR,
        organisationAddressInfo STRUCT(
            organisation STRUCT("name" VARCHAR),
            address STRUCT(city VARCHAR, postcode VARCHAR, countryName VARCHAR)
        )
    )[]
)[]
