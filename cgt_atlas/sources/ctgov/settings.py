"""ClinicalTrials.gov API v2: endpoint and the CGT query (see ../shared/samples/ctgov/CONTRACT.md)."""

from __future__ import annotations

from cgt_atlas.settings import Site

SITE = Site("ctgov", "https://clinicaltrials.gov")
STUDIES_PATH = "/api/v2/studies"
BASE_URL = SITE.origin + STUDIES_PATH
"""The public endpoint; a run asks `studies_url()`, which honours CGT_ATLAS_CTGOV_BASE_URL."""


def studies_url() -> str:
    return SITE.url(STUDIES_PATH)


PAGE_SIZE = 1000  # the API's maximum; larger values are coerced down

# InterventionSearch also matches titles, keywords and arm labels, so this casts wide on
# purpose; the classifier decides what is CGT. Essie syntax.
CGT_INTERVENTION_QUERY = " OR ".join(
    f'"{term}"' if " " in term or "-" in term else term
    for term in (
        "CAR-T",
        "CAR T",
        "chimeric antigen receptor",
        "CAR-NK",
        "TCR-T",
        "T cell receptor engineered",
        "tumor infiltrating lymphocytes",
        "gene therapy",
        "gene transfer",
        "AAV",
        "adeno-associated",
        "lentiviral",
        "retroviral",
        "oncolytic virus",
        "CRISPR",
        "gene editing",
        "base editing",
        "zinc finger nuclease",
        "TALEN",
        "stem cell",
        "mesenchymal stromal",
        "iPSC",
        "autoleucel",
    )
)
STUDY_FILTER = "AREA[StudyType]INTERVENTIONAL"

# Whole protocol section: what later parsers (the classifier) need, without results.
FIELDS = "ProtocolSection"


def query_params(since: str | None) -> dict[str, str]:
    """Parameters of the first page; later pages repeat them with pageToken added."""
    advanced = STUDY_FILTER
    if since:
        advanced += f" AND AREA[LastUpdatePostDate]RANGE[{since},MAX]"
    return {
        "format": "json",
        "query.intr": f"({CGT_INTERVENTION_QUERY})",
        "filter.advanced": advanced,
        "fields": FIELDS,
        "pageSize": str(PAGE_SIZE),
        "sort": "LastUpdatePostDate:asc",
        "countTotal": "true",
    }
