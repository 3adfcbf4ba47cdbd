"""Coarsening locations: the rules, the hand table, and the table's own checks."""

from __future__ import annotations

import pandas as pd
import pytest

from comment_study.corpus import files as data, regions
from conftest import ROOT


@pytest.mark.parametrize(
    ("location", "region"),
    [
        ("Tempe, AZ", "Arizona"), ("Fresno CA", "California"), ("new york", "New York"),
        ("NM USA", "New Mexico"), ("USA", regions.US_UNSPECIFIED), ("Georgetown, DC", "District of Columbia"),
        ("Moncton, NB, Canada", "Canada"), ("Sapporo Japan", "Japan"), ("MD.", "Maryland"),
        ("Zembla", None), ("Springfield", None),
    ],
)
def test_rules_coarsen_what_they_can_and_leave_the_rest(location, region):
    assert regions.region_by_rule(location) == region


def test_every_location_in_the_corpus_is_decided(original, comments):
    assert (original["region_basis"] != "unresolved").all()
    # the de-identified export holds regions already: the rules read them back, "Unknown" stays unknown
    assert ((comments["region_basis"] != "unresolved") | (comments["region"] == regions.UNKNOWN)).all()


def test_every_row_of_the_location_table_is_used(original):
    table = regions.load_location_table(ROOT / data.LOCATIONS)
    assert set(table) <= set(original["location"])


def test_table_rows_decide_only_what_rules_cannot_or_get_wrong():
    table = regions.load_location_table(ROOT / data.LOCATIONS)
    redundant = [loc for loc, region in table.items() if regions.region_by_rule(loc) == region]
    assert redundant == []


def test_country_groups():
    assert regions.country_group("Ohio") == "United States"
    assert regions.country_group(regions.US_UNSPECIFIED) == "United States"
    assert regions.country_group("Canada") == "Elsewhere"
    assert regions.country_group(regions.UNKNOWN) == "Unknown"


def test_bad_location_table_names_its_line(tmp_path):
    path = tmp_path / "locations.csv"
    path.write_text("location,region,basis\nLyon,France,city\nGotham,Atlantis,comics\n")
    with pytest.raises(ValueError, match=r"locations.csv, line 3: unknown region 'Atlantis'"):
        regions.load_location_table(path)


def test_table_row_without_basis_is_rejected(tmp_path):
    path = tmp_path / "locations.csv"
    path.write_text("location,region,basis\nLyon,France,\n")
    with pytest.raises(ValueError, match="line 2: 'Lyon' needs a basis"):
        regions.load_location_table(path)


def test_no_precise_location_is_shown_where_a_region_is(comments):
    public = data.public(comments)
    assert "location" not in public.columns and "author" not in public.columns
    assert isinstance(public, pd.DataFrame)
