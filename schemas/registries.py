"""Tables only some registries fill: EUCTR's member-state records and ATIMP flags, and the
ICTRP record as exported. They keep what the canonical tables map away (raw statuses,
dates as printed), so a mapping can be checked or redone without refetching."""

from __future__ import annotations

import pandera.polars as pa

from schemas.trials import PARTIAL_DATE, _TrialChild


class EuctrMemberState(_TrialChild):
    """One row per EUCTR member-state record (trial_id is the EudraCT number), with its values as printed."""

    record_index: int = pa.Field(ge=1, description="1-based position of the member-state record, fetch order")
    member_state: str = pa.Field(
        nullable=True, description='country part of "National Competent Authority: Spain - AEMPS"'
    )
    competent_authority: str = pa.Field(
        nullable=True, description="the National Competent Authority as printed"
    )
    clinical_trial_type: str = pa.Field(
        nullable=True, description="the record's clinical trial type as printed"
    )
    trial_status: str = pa.Field(
        nullable=True, description="`Trial Status` as printed: Ongoing, Completed, Prematurely Ended, ..."
    )
    first_entered_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description='"first entered in the EudraCT database" date'
    )
    authority_decision: str = pa.Field(
        nullable=True, description="the competent authority's decision as printed"
    )
    authority_decision_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description='"N. Date of Competent Authority Decision"'
    )
    ethics_opinion_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description="date of the ethics committee's opinion"
    )
    end_of_trial_status: str = pa.Field(nullable=True, description="end-of-trial status as printed")
    global_end_date: str = pa.Field(
        nullable=True, str_matches=PARTIAL_DATE, description='"P. Date of the global end of the trial"'
    )
    source_url: str = pa.Field(nullable=True, description='the record\'s "Link:"')


class TrialAtimpFlags(_TrialChild):
    """One row per investigational product (EUCTR D.IMP block; CTIS: a product whose record states
    `anAdvancedTherapyMedicinalProduct`); flags are NULL when not given. Kept for the CGT classifier."""

    intervention_index: int = pa.Field(ge=1, description="the same index as in `trial_interventions`")
    product_name: str = pa.Field(nullable=True, description="the product's name")
    is_atimp: bool = pa.Field(nullable=True, description="D.3.11.3: an Advanced Therapy IMP (ATIMP); Yes/No")
    somatic_cell_therapy: bool = pa.Field(nullable=True, description="D.3.11.3.1 somatic cell therapy")
    gene_therapy: bool = pa.Field(nullable=True, description="D.3.11.3.2 gene therapy")
    tissue_engineered: bool = pa.Field(nullable=True, description="D.3.11.3.3 tissue-engineered product")
    combination_atimp: bool = pa.Field(nullable=True, description="D.3.11.3.4 combination ATIMP")
    cat_classification: bool = pa.Field(
        nullable=True, description="D.3.11.3.5: the CAT has issued a classification"
    )
    contains_gmo: bool = pa.Field(
        nullable=True, description="D.3.11.10: contains genetically modified organisms"
    )


class IctrpRecord(_TrialChild):
    """One row per ICTRP record loaded: the export record's own fields, as printed (trimmed)."""

    ictrp_trial_id: str = pa.Field(description="TrialID as ICTRP prints it")
    internal_number: str = pa.Field(nullable=True, description="ICTRP's internal number")
    source_register: str = pa.Field(nullable=True, description="the register ICTRP took the record from")
    web_address: str = pa.Field(nullable=True, description="the record's page at its register")
    recruitment_status: str = pa.Field(nullable=True, description="`Recruitment_Status` as printed")
    phase: str = pa.Field(nullable=True, description="`Phase` as printed")
    study_type: str = pa.Field(nullable=True, description="`Study_type` as printed")
    date_registration: str = pa.Field(nullable=True, description="registration date as printed")
    date_enrollment: str = pa.Field(nullable=True, description="`Date_enrollement` as printed")
    last_refreshed_on: str = pa.Field(nullable=True, description="`Last_Refreshed_on` as printed")
    export_date: str = pa.Field(
        nullable=True, description="the date of the export the current content was loaded from"
    )
    target_size: str = pa.Field(nullable=True, description="`Target_size` as printed")
    countries: str = pa.Field(nullable=True, description="`Countries` as printed")
    secondary_ids: str = pa.Field(nullable=True, description="`Secondary_ID` as printed")
    source_support: str = pa.Field(nullable=True, description="`Source_Support` as printed")
    retrospective_flag: str = pa.Field(nullable=True, description="`Retrospective_flag` as printed")
    other_records: bool = pa.Field(nullable=True, description="bridged records exist")


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "euctr_member_states": EuctrMemberState,
    "trial_atimp_flags": TrialAtimpFlags,
    "ictrp_records": IctrpRecord,
}
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "euctr_member_states": ("trial_id", "record_index"),
    "trial_atimp_flags": ("trial_id", "intervention_index"),
    "ictrp_records": ("trial_id",),
}
