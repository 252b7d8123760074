"""Swissmedic's "Zugelassene Packungen" list: URLs and the columns we read.

See ../shared/samples/swissmedic/CONTRACT.md.
"""

from __future__ import annotations

from cgt_atlas.settings import Site

SWISSMEDIC = Site("swissmedic", "https://www.swissmedic.ch")
SITE = SWISSMEDIC.origin
LIST_PAGE_PATH = "/swissmedic/de/home/services/listen_neu.html"
LIST_PAGE_URL = SITE + LIST_PAGE_PATH
# The packages list of human medicines (HAM), not the veterinary one (TAM): its link on the list page
# carries this name in its path whatever the file is called that month.
PACKAGES_LINK = r"zugelassene_packungen_(?:ham|human)\b[^\"']*\.xlsx"
HEADER_SCAN_ROWS = 30  # the header sat on row 6; scan well past it

# Header cells are bilingual ("Zulassungs-nummer\n\nNuméro d'autorisation"): a column is found by the
# German name its cell starts with, compared with hyphens, line breaks and spaces removed.
AUTHORISATION_NUMBER = "Zulassungsnummer"
NAME = "Bezeichnung des Arzneimittels"
HOLDER = "Zulassungsinhaberin"
CATEGORY = "Heilmittelcode"
FIRST_AUTHORISATION = "Erstzul.datum Arzneimittel"
ACTIVE_SUBSTANCES = "Wirkstoff(e)"
INDICATION = "Anwendungsgebiet Arzneimittel"

REQUIRED_COLUMNS = (
    AUTHORISATION_NUMBER,
    NAME,
    HOLDER,
    CATEGORY,
    FIRST_AUTHORISATION,
    ACTIVE_SUBSTANCES,
    INDICATION,
)
# A header row is the first row naming both of these.
HEADER_MARKERS = (AUTHORISATION_NUMBER, CATEGORY)

# Swissmedic's own categories of transplant products ("Transplantat: ..."), the only rows loaded:
# the agency's label, kept as published in the record's note.
CGT_CATEGORIES = (
    "Transplantat: Gentherapieprodukt",
    "Transplantat: Zelltherapieprodukt",
    "Transplantat: Gewebeprodukt",
)
DATE_FORMATS = ("%d.%m.%Y",)
