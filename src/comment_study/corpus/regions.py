"""Coarsen self-reported locations to regions: a US state, a country, or "Unknown".

Publishing a commenter's city next to their words can identify them, so the book shows
only the region. Rules decide what they can (state names and postal codes, country
names); a hand-written table (``data/locations.csv``) decides the rest and says why.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

US_UNSPECIFIED = "United States (unspecified)"
UNKNOWN = "Unknown"

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}
US_REGIONS = frozenset(STATES.values()) | {US_UNSPECIFIED, "U.S. Virgin Islands", "Puerto Rico"}

COUNTRIES = frozenset({
    "Australia", "Austria", "Belgium", "Brazil", "Cambodia", "Canada", "China", "Denmark",
    "Finland", "France", "Germany", "Greece", "India", "Ireland", "Israel", "Italy", "Japan",
    "Luxembourg", "Mexico", "Netherlands", "New Zealand", "Norway", "Poland", "Portugal",
    "Singapore", "South Africa", "Spain", "Sweden", "Switzerland", "Taiwan", "Thailand",
    "United Kingdom", "Vietnam",
})
US_NAMES = frozenset({"usa", "us", "u.s.", "u.s.a.", "united states", "america"})

_BY_NAME = {name.lower(): name for name in STATES.values() if name != "District of Columbia"}
_BY_TERRITORY = {"u.s. virgin islands": "U.S. Virgin Islands", "puerto rico": "Puerto Rico"}
_BY_COUNTRY = {name.lower(): name for name in COUNTRIES}


def region_by_rule(location: str) -> str | None:
    """Return the region the generic rules give a location, or None if they cannot tell."""
    text = re.sub(r"\s+", " ", location.strip().rstrip(".")).lower()
    if text in US_NAMES:
        return US_UNSPECIFIED
    if text in _BY_NAME:
        return _BY_NAME[text]
    if text in _BY_TERRITORY:
        return _BY_TERRITORY[text]
    if text in _BY_COUNTRY:
        return _BY_COUNTRY[text]
    if text.upper() in STATES and text != "washington":
        return STATES[text.upper()]
    # "City, ST", "City ST", "City, State", "..., Country", "State USA"
    tokens = re.split(r"[,\s]+", text)
    tokens = [t for t in tokens if t not in US_NAMES] or tokens
    if len(tokens) == 1 and tokens[0].upper() in STATES:  # "NM USA"
        return STATES[tokens[0].upper()]
    for size in (2, 1):  # two-word state or country names first: "new york", "new zealand"
        tail = " ".join(tokens[-size:])
        if tail in _BY_COUNTRY:
            return _BY_COUNTRY[tail]
        if len(tokens) > size and tail in _BY_NAME and tail != "washington":
            return _BY_NAME[tail]
    last = tokens[-1].upper()
    if len(tokens) > 1 and last in STATES:
        return STATES[last]
    return None


def load_location_table(path: Path | str) -> dict[str, str]:
    """Read the hand-written location table (location, region, basis), checking each row."""
    table: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["location", "region", "basis"]:
            raise ValueError(f"{path}, line 1: columns must be location,region,basis; found {reader.fieldnames}")
        for number, row in enumerate(reader, start=2):
            location, region = row["location"], row["region"]
            if location in table:
                raise ValueError(f"{path}, line {number}: {location!r} is listed twice")
            if region not in US_REGIONS | COUNTRIES | {UNKNOWN}:
                raise ValueError(f"{path}, line {number}: unknown region {region!r} for {location!r}")
            if not row["basis"].strip():
                raise ValueError(f"{path}, line {number}: {location!r} needs a basis for its region")
            table[location] = region
    return table


def coarsen(locations: pd.Series, table: dict[str, str] | None = None) -> pd.DataFrame:
    """Map each location to ``region``, ``country_group`` and how it was decided."""
    table = table or {}
    regions, bases = [], []
    for location in locations:
        if location in table:
            regions.append(table[location])
            bases.append("table")
        elif (region := region_by_rule(location)) is not None:
            regions.append(region)
            bases.append("rule")
        else:
            regions.append(UNKNOWN)
            bases.append("unresolved")
    out = pd.DataFrame({"region": regions, "region_basis": bases}, index=locations.index)
    out["country_group"] = out["region"].map(country_group)
    return out


def country_group(region: str) -> str:
    """Group a region as "United States", "Elsewhere" or "Unknown"."""
    if region in US_REGIONS:
        return "United States"
    return UNKNOWN if region == UNKNOWN else "Elsewhere"
