"""FDA Data Dashboard compliance actions export (see ../shared/samples/fda_dashboard/CONTRACT.md)."""

from __future__ import annotations

from cgt_atlas.sources.tabular import TableLayout

DASHBOARD_URL = "https://datadashboard.fda.gov/oii/cd/complianceactions.htm"
INBOX_ENV = "CGT_ATLAS_FDA_COMPLIANCE_INBOX"
SUFFIXES = frozenset({".csv", ".xlsx"})

FEI_NUMBER = "FEI Number"
LEGAL_NAME = "Legal Name"
STATE = "State"
COUNTRY = "Country/Area"
PRODUCT_TYPE = "Product Type"
ACTION_DATE = "Action Taken Date"
ACTION_TYPE = "Action Type"
CASE_ID = "Case/Injunction ID"
LAYOUT = TableLayout(
    label="an FDA Data Dashboard compliance actions export",
    columns=(FEI_NUMBER, LEGAL_NAME, STATE, COUNTRY, PRODUCT_TYPE, ACTION_DATE, ACTION_TYPE, CASE_ID),
    banner_rows=20,  # the xlsx exports start with banner lines (title, filters, export date)
)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%d-%b-%Y")
NOT_GIVEN = frozenset({"-", "--", "n/a"})
"""How the export writes a blank state or country."""
