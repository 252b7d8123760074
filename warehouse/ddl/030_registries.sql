-- Tables for the European and Asia-Pacific registries (public contract: docs/data-contract.md,
-- "Registries and linking"). trial_links and trial_clusters are models (warehouse/models/marts).
ALTER TABLE trial_sponsors ADD COLUMN IF NOT EXISTS country_name VARCHAR;  -- EUCTR B.1.3.4
CREATE TABLE IF NOT EXISTS euctr_member_states (
    trial_id VARCHAR,             -- key: (trial_id, record_index); trial_id = EudraCT number
    record_index BIGINT,          -- 1-based position of the member-state record in fetch order
    member_state VARCHAR,         -- country part of "National Competent Authority: Spain - AEMPS"
    competent_authority VARCHAR,
    clinical_trial_type VARCHAR,
    trial_status VARCHAR,         -- as printed: Ongoing, Completed, Prematurely Ended, ...
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
    trial_id VARCHAR,             -- key: (trial_id, intervention_index), as in trial_interventions
    intervention_index BIGINT,
    product_name VARCHAR,
    is_atimp BOOLEAN,             -- D.3.11.3 Advanced Therapy IMP (ATIMP)
    somatic_cell_therapy BOOLEAN, -- D.3.11.3.1
    gene_therapy BOOLEAN,         -- D.3.11.3.2
    tissue_engineered BOOLEAN,    -- D.3.11.3.3
    combination_atimp BOOLEAN,    -- D.3.11.3.4
    cat_classification BOOLEAN,   -- D.3.11.3.5 CAT has issued a classification
    contains_gmo BOOLEAN,         -- D.3.11.10
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS ictrp_records (
    trial_id VARCHAR,             -- key: one row per ICTRP record loaded
    ictrp_trial_id VARCHAR,       -- TrialID as ICTRP prints it
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
