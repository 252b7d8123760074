-- Tables for the European and Asia-Pacific registries (public contract: docs/data-contract.md,
-- "Registries and linking"). trial_links and trial_clusters are models (warehouse/models/marts).
-- Column meanings: the pandera models in schemas/registries.py (rendered in docs/data-contract.md).
ALTER TABLE trial_sponsors ADD COLUMN IF NOT EXISTS country_name VARCHAR;  -- EUCTR B.1.3.4
ALTER TABLE trial_sponsors ADD COLUMN IF NOT EXISTS investigator_affiliation VARCHAR;  -- ctgov responsibleParty, ICTRP contact
CREATE TABLE IF NOT EXISTS euctr_member_states (
    trial_id VARCHAR,
    record_index BIGINT,
    member_state VARCHAR,
    competent_authority VARCHAR,
    clinical_trial_type VARCHAR,
    trial_status VARCHAR,
    first_entered_date VARCHAR,
    authority_decision VARCHAR,
    authority_decision_date VARCHAR,
    ethics_opinion_date VARCHAR,
    end_of_trial_status VARCHAR,
    global_end_date VARCHAR,
    source_url VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS trial_atimp_flags (
    trial_id VARCHAR,
    intervention_index BIGINT,
    product_name VARCHAR,
    is_atimp BOOLEAN,
    somatic_cell_therapy BOOLEAN,
    gene_therapy BOOLEAN,
    tissue_engineered BOOLEAN,
    combination_atimp BOOLEAN,
    cat_classification BOOLEAN,
    contains_gmo BOOLEAN,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS ictrp_records (
    trial_id VARCHAR,
    ictrp_trial_id VARCHAR,
    internal_number VARCHAR,
    source_register VARCHAR,
    web_address VARCHAR,
    recruitment_status VARCHAR,
    phase VARCHAR,
    study_type VARCHAR,
    date_registration VARCHAR,
    date_enrollment VARCHAR,
    last_refreshed_on VARCHAR,
    export_date VARCHAR,
    target_size VARCHAR,
    countries VARCHAR,
    secondary_ids VARCHAR,
    source_support VARCHAR,
    retrospective_flag VARCHAR,
    other_records BOOLEAN,
    run_id VARCHAR
);
