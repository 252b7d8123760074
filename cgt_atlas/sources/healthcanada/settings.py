"""Health Canada DPD bulk extract: URLs, member layouts and the CGT rule.

See ../shared/samples/healthcanada/CONTRACT.md.
"""

from __future__ import annotations

import re

from cgt_atlas.settings import Site

SITE = Site("healthcanada", "https://www.canada.ca")
FOLDER_PATH = "/content/dam/hc-sc/documents/services/drug-product-database/"
BASE_URL = SITE.origin + FOLDER_PATH

# Extract variant (the suffix its members carry) -> zip name. Marketed and approved-not-marketed are
# required; dormant and cancelled ("inactive") may be absent, and a 404 for them is not an error.
REQUIRED_ZIPS = {"": "allfiles.zip", "_ap": "allfiles_ap.zip"}
OPTIONAL_ZIPS = {"_dr": "allfiles_dr.zip", "_ia": "allfiles_ia.zip"}
VARIANT_LABELS = {"": "marketed", "_ap": "approved", "_dr": "dormant", "_ia": "inactive"}


def zip_url(variant: str) -> str:
    """The public URL of an extract (what a record cites)."""
    return BASE_URL + {**REQUIRED_ZIPS, **OPTIONAL_ZIPS}[variant]


def fetch_url(variant: str) -> str:
    """Where a run downloads an extract: the public URL, or on CGT_ATLAS_HEALTHCANADA_BASE_URL."""
    return SITE.url(FOLDER_PATH + {**REQUIRED_ZIPS, **OPTIONAL_ZIPS}[variant])


# Members read, by name stem, with their layouts (no header row; positions as in the DPD read-me).
DRUG = "drug"
INGREDIENT = "ingred"
STATUS = "status"
THERAPEUTIC_CLASS = "ther"
COMPANY = "comp"
LAYOUTS: dict[str, tuple[str, ...]] = {
    DRUG: (
        "DRUG_CODE", "PRODUCT_CATEGORIZATION", "CLASS", "DRUG_IDENTIFICATION_NUMBER", "BRAND_NAME",
        "DESCRIPTOR", "PEDIATRIC_FLAG", "ACCESSION_NUMBER", "NUMBER_OF_AIS", "LAST_UPDATE_DATE",
        "AI_GROUP_NO", "CLASS_F", "BRAND_NAME_F", "DESCRIPTOR_F",
    ),
    INGREDIENT: (
        "DRUG_CODE", "ACTIVE_INGREDIENT_CODE", "INGREDIENT", "INGREDIENT_SUPPLIED_IND", "STRENGTH",
        "STRENGTH_UNIT", "STRENGTH_TYPE", "DOSAGE_VALUE", "BASE", "DOSAGE_UNIT", "NOTES",
        "INGREDIENT_F", "STRENGTH_UNIT_F", "STRENGTH_TYPE_F", "DOSAGE_UNIT_F",
    ),
    STATUS: (
        "DRUG_CODE", "CURRENT_STATUS_FLAG", "STATUS", "HISTORY_DATE", "STATUS_F", "LOT_NUMBER",
        "EXPIRATION_DATE",
    ),
    THERAPEUTIC_CLASS: ("DRUG_CODE", "TC_ATC_NUMBER", "TC_ATC", "TC_ATC_F"),
    COMPANY: (
        "DRUG_CODE", "MFR_CODE", "COMPANY_CODE", "COMPANY_NAME", "COMPANY_TYPE", "ADDRESS_MAILING_FLAG",
        "ADDRESS_BILLING_FLAG", "ADDRESS_NOTIFICATION_FLAG", "ADDRESS_OTHER", "SUITE_NUMBER",
        "STREET_NAME", "CITY_NAME", "PROVINCE", "COUNTRY", "POSTAL_CODE", "POST_OFFICE_BOX",
        "PROVINCE_F", "COUNTRY_F",
    ),
}  # fmt: skip
# Members the CGT rule does not read: an unreadable row there cannot hide a CGT product.
NOT_DETECTING = frozenset({STATUS, COMPANY})
MEMBER_NAME = re.compile(r"^(?P<stem>[a-z]+?)(?P<variant>_ap|_dr|_ia)?\.txt$", re.IGNORECASE)
DATE_FORMATS = ("%d-%b-%Y",)  # 28-NOV-2025

HUMAN = "Human"
APPROVED_STATUS = "APPROVED"
HOLDER_TYPE = "DIN_OWNER"

# The CGT rule: ATC class L01XL (antineoplastic cell and gene therapies), or an ingredient named with a
# WHO INN stem of an advanced therapy: -cel (cells: tisagenlecleucel, remestemcel-L), -vec (vectors:
# voretigene neparvovec) or -gene (the gene part: onasemnogene abeparvovec). Other ATC codes of gene
# therapies (M09AX09, S01XA27, B02BD16, B06AX05) sit in classes of ordinary drugs (nusinersen,
# coagulation factors), so they are found by name, not by class.
CGT_ATC_PREFIXES = ("L01XL",)
CGT_INN_STEM = re.compile(r"[A-Z]{3,}(?:CEL(?:-[A-Z])?|VEC|GENE)\b")

# DPD current status -> our approval status, most favourable first (a product with DINs in several
# states takes the first). APPROVED (not yet marketed), MARKETED and DORMANT
# (marketing paused) still hold an authorisation; a cancellation ends it. A status not listed is kept
# as published, so validation quarantines the record and names it.
APPROVAL_STATUSES = {
    "MARKETED": "authorised",
    "APPROVED": "authorised",
    "DORMANT": "authorised",
    "CANCELLED POST MARKET": "withdrawn",
    "CANCELLED PRE MARKET": "withdrawn",
    "CANCELLED (UNRETURNED ANNUAL)": "withdrawn",
}
# A cancellation with a reason not listed above ("CANCELLED (SAFETY ISSUE)") still ends the authorisation.
CANCELLED_PREFIX = "CANCELLED"
