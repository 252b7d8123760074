"""Tables only some registries fill: EUCTR's member-state records and ATIMP flags, and the
ICTRP record as exported. They keep what the canonical tables map away (raw statuses,
dates as printed), so a mapping can be checked or redone without refetching."""

from __future__ import annotations

import pandera.polars as pa

from schemas.trials import PARTIAL_DATE, _TrialChild


class EuctrMemberState(_TrialChild):
    record_index: int = pa.Field(ge=1)
    member_state: str = pa.Field(nullable=True)
    competent_authority: str = pa.Field(nullable=True)
    clinical_trial_type: str = pa.Field(nullable=True)
    trial_status: str = pa.Field(nullable=True)
    first_entered_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    authority_decision: str = pa.Field(nullable=True)
    authority_decision_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    ethics_opinion_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    end_of_trial_status: str = pa.Field(nullable=True)
    global_end_date: str = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    source_url: str = pa.Field(nullable=True)


class TrialAtimpFlags(_TrialChild):
    """One row per investigational product (EUCTR D.IMP block); flags are NULL when not given."""

    intervention_index: int = pa.Field(ge=1)
    product_name: str = pa.Field(nullable=True)
    is_atimp: bool = pa.Field(nullable=True)
    somatic_cell_therapy: bool = pa.Field(nullable=True)
    gene_therapy: bool = pa.Field(nullable=True)
    tissue_engineered: bool = pa.Field(nullable=True)
    combination_atimp: bool = pa.Field(nullable=True)
    cat_classification: bool = pa.Field(nullable=True)
    contains_gmo: bool = pa.Field(nullable=True)


class IctrpRecord(_TrialChild):
    """An ICTRP export record's own fields, as printed (trimmed)."""

    ictrp_trial_id: str
    internal_number: str = pa.Field(nullable=True)
    source_register: str = pa.Field(nullable=True)
    web_address: str = pa.Field(nullable=True)
    recruitment_status: str = pa.Field(nullable=True)
    phase: str = pa.Field(nullable=True)
    study_type: str = pa.Field(nullable=True)
    date_registration: str = pa.Field(nullable=True)
    date_enrollment: str = pa.Field(nullable=True)
    last_refreshed_on: str = pa.Field(nullable=True)
    export_date: str = pa.Field(nullable=True)
    target_size: str = pa.Field(nullable=True)
    countries: str = pa.Field(nullable=True)
    secondary_ids: str = pa.Field(nullable=True)
    source_support: str = pa.Field(nullable=True)
    retrospective_flag: str = pa.Field(nullable=True)
    other_records: bool = pa.Field(nullable=True)


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
