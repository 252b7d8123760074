"""EU Clinical Trials Register: endpoints and the CGT query (see ../shared/samples/euctr/CONTRACT.md)."""

from __future__ import annotations

from cgt_atlas.settings import Site

SITE = Site("euctr", "https://www.clinicaltrialsregister.eu")
SEARCH_PATH = "/ctr-search/search"
FULL_TEXT_PATH = "/ctr-search/rest/download/full"
# The public endpoints; a run asks SITE.url(...), which honours CGT_ATLAS_EUCTR_BASE_URL.
BASE_URL = f"{SITE.origin}/ctr-search"
SEARCH_URL = SITE.origin + SEARCH_PATH
FULL_TEXT_URL = SITE.origin + FULL_TEXT_PATH
TRIALS_PER_PAGE = 20  # fixed by the register

# Free text casts wide; the classifier decides (it can read D.3.11.3 ATIMP flags).
CGT_QUERY = " OR ".join(
    f'"{term}"' if " " in term else term
    for term in (
        "gene therapy",
        "cell therapy",
        "CAR-T",
        "chimeric antigen receptor",
        "AAV",
        "adeno-associated",
        "lentiviral",
        "CRISPR",
        "oncolytic",
        "stem cell",
        "tissue engineered",
    )
)


def query_params(page: int) -> dict[str, str]:
    return {"query": CGT_QUERY, "page": str(page)}
