STRUCT(
    rowSubjectCount BIGINT,
    rowCountriesInfo STRUCT("name" VARCHAR, isoAlpha2Code VARCHAR)[],
    products STRUCT(
        id BIGINT,
        productName VARCHAR,
        nameDisplay VARCHAR,
        mpRoleInTrial VARCHAR,
        anAdvancedTherapyMedicinalProduct BOOLEAN,
        allSubstancesChemicals BOOLEAN,
        jsonActiveSubstanceNames VARCHAR,
        pharmaceuticalFormDisplay VARCHAR,
        productDictionaryInfo STRUCT(
            prodName VARCHAR,
            activeSubstanceName VARCHAR,
            sponsorProductCode VARCHAR,
            euMpNumber VARCHAR,
            productSubstances STRUCT(actSubstOrigin VARCHAR, actSubstName VARCHAR)[]
        )
    )[],
    productRoleGroupInfos STRUCT(productRoleName VARCHAR, products STRUCT(id BIGINT)[])[],
    trialDetails STRUCT(
        clinicalTrialIdentifiers STRUCT(
            fullTitle VARCHAR,
            publicTitle VARCHAR,
            shortTitle VARCHAR,
            secondaryIdentifyingNumbers STRUCT(
                nctNumber STRUCT("number" VARCHAR),
                additionalRegistries STRUCT("number" VARCHAR, otherRegistryName VARCHAR)[]
            )
        ),
        trialInformation STRUCT(
            trialCategory STRUCT(trialPhase VARCHAR),
            medicalCondition STRUCT(
                partIMedicalConditions STRUCT(medicalCondition VARCHAR)[],
                meddraConditionTerms STRUCT(termName VARCHAR)[]
            ),
            trialObjective STRUCT(mainObjective VARCHAR),
            trialDuration STRUCT(
                estimatedRecruitmentStartDate VARCHAR,
                estimatedEndDate VARCHAR,
                estimatedGlobalEndDate VARCHAR
            ),
            sourceOfMonetarySupport STRUCT(organisationName VARCHAR)[]
        )
    ),
    medicalConditions STRUCT(medicalCondition VARCHAR)[],
    sponsors STRUCT(
        "primary" BOOLEAN,
        isCommercial BOOLEAN,
        commercial VARCHAR,
        organisation STRUCT("name" VARCHAR, "type" VARCHAR),
        addresses STRUCT(address STRUCT(city VARCHAR, countryName VARCHAR))[]
    )[]
)
