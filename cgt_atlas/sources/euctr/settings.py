"""EU Clinical Trials Register: endpoints and the CGT query (see ../shared/samples/euctr/CONTRACT.md)."""

from __future__ import annotations

BASE_URL = "https://www.clinicaltrialsregister.eu/ctr-search"
SEARCH_URL = f"{BASE_URL}/search"
FULL_TEXT_URL = f"{BASE_URL}/rest/download/full"
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
