"""FDA drug establishment registrations, DECRS (see ../shared/samples/fda_establishments/CONTRACT.md)."""

from __future__ import annotations

from cgt_atlas.settings import Site
from cgt_atlas.sources.tabular import TableLayout

# The zip is fetched from this host only, over https (a redirect elsewhere is refused), or from the
# server CGT_ATLAS_FDA_ESTABLISHMENTS_BASE_URL names.
SITE = Site("fda_establishments", "https://www.accessdata.fda.gov")
DOWNLOAD_PATH = "/cder/drls_reg.zip"
DOWNLOAD_URL = SITE.origin + DOWNLOAD_PATH

FEI_NUMBER = "FEI_NUMBER"
DUNS_NUMBER = "DUNS_NUMBER"
FIRM_NAME = "FIRM_NAME"
ADDRESS = "ADDRESS"
EXPIRATION_DATE = "EXPIRATION_DATE"
OPERATIONS = "OPERATIONS"
REGISTRANT_NAME = "REGISTRANT_NAME"
REGISTRANT_DUNS = "REGISTRANT_DUNS"
EXCLUSION_FLAG = "EXCLUSION_FLAG"
# The columns we read, named as in drls_reg.txt and in its xlsx export. The file's contact columns
# (names and e-mails of people) are never read.
LAYOUT = TableLayout(
    label="FDA drug establishment registrations (drls_reg)",
    columns=(
        FEI_NUMBER,
        DUNS_NUMBER,
        FIRM_NAME,
        ADDRESS,
        EXPIRATION_DATE,
        OPERATIONS,
        REGISTRANT_NAME,
        REGISTRANT_DUNS,
        EXCLUSION_FLAG,
    ),
    zip_member=r"(^|/)drls_reg\.txt$",
)
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%b-%Y")
OPERATION_SEPARATOR = ";"
# ADDRESS ends with the country and its ISO 3166-1 alpha-3 code: "..., Korea, South (KOR)".
ADDRESS_COUNTRY = r",\s*(?P<name>[^,]*?)\s*\((?P<iso3>[A-Z]{3})\)\s*$"
# A US address names its state's code before the ZIP: "..., New York (NY) 11722, United States (USA)".
US_STATE = r"\((?P<state>[A-Z]{2})\)\s*[0-9A-Z -]*,[^,]*\(USA\)\s*$"
