"""EMA "Medicines output" report: URL and the columns we read (see ../shared/samples/ema/CONTRACT.md)."""

from __future__ import annotations

from cgt_atlas.settings import Site

SITE = Site("ema", "https://www.ema.europa.eu")
REPORT_PATH = "/en/documents/report/medicines-output-medicines-report_en.xlsx"
REPORT_URL = SITE.origin + REPORT_PATH
"""The public report; a run asks SITE.url(REPORT_PATH), which honours CGT_ATLAS_EMA_BASE_URL."""
HEADER_SCAN_ROWS = 50  # the header sat on row 9 in every layout seen; scan well past it

CATEGORY = "Category"
NAME = "Name of medicine"
PRODUCT_NUMBER = "EMA product number"
STATUS = "Medicine status"
INN = "International non-proprietary name (INN) / common name"
ACTIVE_SUBSTANCE = "Active substance"
INDICATION = "Therapeutic indication"
ADVANCED_THERAPY = "Advanced therapy"
CONDITIONAL = "Conditional approval"
EXCEPTIONAL = "Exceptional circumstances"
HOLDER = "Marketing authorisation developer / applicant / holder"
AUTHORISATION_DATE = "Marketing authorisation date"
REFUSAL_DATE = "Refusal of marketing authorisation date"
APPLICATION_WITHDRAWAL_DATE = "Withdrawal of application date"
END_DATE = "Withdrawal / expiry / revocation / lapse of marketing authorisation date"
SUSPENSION_DATE = "Suspension of marketing authorisation date"
URL = "Medicine URL"

REQUIRED_COLUMNS = (
    CATEGORY,
    NAME,
    PRODUCT_NUMBER,
    STATUS,
    INN,
    ACTIVE_SUBSTANCE,
    INDICATION,
    ADVANCED_THERAPY,
    CONDITIONAL,
    EXCEPTIONAL,
    HOLDER,
    AUTHORISATION_DATE,
    REFUSAL_DATE,
    APPLICATION_WITHDRAWAL_DATE,
    END_DATE,
    SUSPENSION_DATE,
    URL,
)
# A header row is the first row naming at least these (the legacy 2018 layout says "Medicine name").
HEADER_MARKERS = (CATEGORY,)
NAME_MARKERS = (NAME, "Medicine name")

# Medicine status -> (outcome, our status). "Opinion" and "Opinion under re-examination" are
# decisions still pending: neither an authorisation nor a refusal yet.
APPROVED_STATUSES = {
    "Authorised": "authorised",
    "Withdrawn": "withdrawn",
    "Expired": "expired",
    "Lapsed": "lapsed",
    "Revoked": "revoked",
    "Suspended": "suspended",
}
NOT_GRANTED_STATUSES = {
    "Refused": ("refused", REFUSAL_DATE),
    "Application withdrawn": ("application_withdrawn", APPLICATION_WITHDRAWAL_DATE),
    "Withdrawn from rolling review": ("withdrawn_from_rolling_review", APPLICATION_WITHDRAWAL_DATE),
}
PENDING_STATUSES = frozenset({"Opinion", "Opinion under re-examination"})
