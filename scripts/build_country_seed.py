"""Regenerate warehouse/seeds/countries.csv from pycountry and the region lists below.

Why a script: the seed is data we maintain by hand (the region of each country is a
judgement, documented in docs/data-contract.md); pycountry only supplies codes and names.
Run: uv run python scripts/build_country_seed.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry

REGION_CODES: dict[str, str] = {
    "North America": "US CA BM GL PM PR VI UM GU AS MP",
    "Latin America": (
        "MX GT BZ SV HN NI CR PA CU DO HT JM TT BS BB AG DM GD KN LC VC AR BO BR CL CO EC GY PY "
        "PE SR UY VE AW CW SX BQ KY TC VG AI MS GP MQ BL MF GF FK GS"
    ),
    "Europe": (
        "AL AD AM AZ GE AT BY BE BA BG HR CY CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE "
        "LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB AX TR BV XK"
    ),
    "Middle East & Africa": (
        "IL PS JO LB SY IQ IR KW SA BH QA AE OM YE EG DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI "
        "DJ GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST "
        "SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW TF"
    ),
    "Asia-Pacific": (
        "AF AU BD BT BN KH CN CX CC CK FJ PF HK IN ID JP KI KP KR KZ KG LA MO MY MV MH FM MN MM "
        "NR NP NC NZ NU NF PK PW PG PH PN WS SG SB LK TW TJ TH TL TK TO TM TV UZ VU VN WF HM IO"
    ),
    "Antarctica": "AQ",
}

# Codes outside ISO 3166-1 that registries use as countries.
EXTRA_NAMES = {"XK": "Kosovo"}


def build_rows() -> list[tuple[str, str, str]]:
    region_of: dict[str, str] = {}
    for region, codes in REGION_CODES.items():
        for code in codes.split():
            if code in region_of:
                raise SystemExit(f"{code} is listed under both {region_of[code]} and {region}")
            region_of[code] = region
    rows = []
    for country in pycountry.countries:
        code = country.alpha_2
        if code not in region_of:
            raise SystemExit(f"{code} ({country.name}) has no region: add it to REGION_CODES")
        name = getattr(country, "common_name", None) or country.name
        rows.append((code, name, region_of.pop(code)))
    for code, name in EXTRA_NAMES.items():
        rows.append((code, name, region_of.pop(code)))
    if region_of:
        raise SystemExit(f"codes not in ISO 3166-1: {sorted(region_of)}")
    return sorted(rows)


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "warehouse" / "seeds" / "countries.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["country_code", "name", "region"])
        writer.writerows(build_rows())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
