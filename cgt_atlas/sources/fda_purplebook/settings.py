"""FDA Purple Book monthly data download (see ../shared/samples/fda_purplebook/CONTRACT.md)."""

from __future__ import annotations

from cgt_atlas.settings import Site

# Monthly files are linked from the downloads page; only these hosts are followed, over https (or
# on the server CGT_ATLAS_FDA_PURPLEBOOK_BASE_URL names, which then stands in for both).
FOLLOWED_HOSTS = frozenset({"www.accessdata.fda.gov", "purplebooksearch.fda.gov"})
SITE = Site("fda_purplebook", "https://purplebooksearch.fda.gov", FOLLOWED_HOSTS)
DOWNLOADS_PATH = "/downloads"
DOWNLOADS_URL = SITE.origin + DOWNLOADS_PATH
# `.../PurpleBook/2024/purplebook-search-January-data-download.csv` (the month's case varies by year),
# or the older `.../files/2024/purplebook-search-january-data-download.csv`.
CSV_LINK = r"/(?P<year>\d{4})/purplebook-search-(?P<month>[A-Za-z]+)-data-download\.csv$"

# Columns we read, each under the names FDA has given it (compared case-folded, spaces collapsed).
APPLICANT = "Applicant"
BLA_NUMBER = "BLA Number"
PROPRIETARY_NAME = "Proprietary Name"
PROPER_NAME = "Proper Name"
MARKETING_STATUS = "Marketing Status"
LICENSURE = "Licensure"
APPROVAL_DATE = "Approval Date"
SUBMISSION_TYPE = "Submission Type"
SUPPLEMENT_NUMBER = "Supplement Number"
LICENSE_NUMBER = "License Number"
CENTER = "Center"
FIRST_LICENSURE = "Date of First Licensure"
ORPHAN_EXCLUSIVITY = "Orphan Exclusivity Exp. Date"
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    APPLICANT: (APPLICANT,),
    BLA_NUMBER: (BLA_NUMBER,),
    PROPRIETARY_NAME: (PROPRIETARY_NAME,),
    PROPER_NAME: (PROPER_NAME,),
    MARKETING_STATUS: (MARKETING_STATUS, "Status"),
    LICENSURE: (LICENSURE,),
    APPROVAL_DATE: (APPROVAL_DATE,),
    SUBMISSION_TYPE: (SUBMISSION_TYPE,),
    SUPPLEMENT_NUMBER: (SUPPLEMENT_NUMBER,),
    LICENSE_NUMBER: (LICENSE_NUMBER, "Licence Number"),
    CENTER: (CENTER,),
    FIRST_LICENSURE: (FIRST_LICENSURE,),
    ORPHAN_EXCLUSIVITY: (ORPHAN_EXCLUSIVITY, "Orphan Exclusivity Expiration Date"),
}
REQUIRED_COLUMNS = (
    APPLICANT,
    BLA_NUMBER,
    PROPRIETARY_NAME,
    PROPER_NAME,
    MARKETING_STATUS,
    LICENSURE,
    APPROVAL_DATE,
    SUBMISSION_TYPE,
    LICENSE_NUMBER,
    CENTER,
)
# A header row names at least these; the file holds two (changes, then the full list): the last wins.
HEADER_MARKERS = (APPLICANT, BLA_NUMBER, PROPER_NAME)

DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%Y-%m-%d", "%m/%d/%Y", "%d-%b-%Y")
CBER = "CBER"
# FDA's four-letter distinguishing suffix on newer proper names: "onasemnogene abeparvovec-xioi".
PROPER_NAME_SUFFIX = r"-[a-z]{4}$"
NO_BRAND = frozenset({"n/a", "na", "none"})

# Orphan-drug exclusivity runs seven years from approval (21 U.S.C. 360cc), so its expiry implies an
# approval date; the note records it where it differs from the approval date, and a second source that
# gives the implied date settles a disagreement (stg_regulatory_decisions).
ORPHAN_EXCLUSIVITY_YEARS = 7
IMPLIED_DATE_NOTE = "orphan exclusivity expires {expiry}, which implies approval on {implied}"

LICENSURE_STATUSES = {"Licensed": "authorised", "Voluntarily Revoked": "revoked", "Revoked": "revoked"}
MARKETING_STATUSES = {"Rx": "prescription", "OTC": "over the counter", "Disc": "discontinued"}

# CGT products the modality classifier does not name yet (proper-name patterns, lower case).
# Laviv (azficel-T, autologous fibroblasts) is on FDA's own CGT roster.
EXTRA_CGT_PROPER_NAMES = (r"\bazficel\b",)
# Public cord-blood banks' HPC licences: minimally manipulated cells, kept and flagged as such.
CORD_BLOOD = r"\bcord\b[^|]*?(?:blood|hpc)|hpc[- ,]*c\b|hpc, cord"
