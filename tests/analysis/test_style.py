"""Numbers, dates and captions as every figure writes them."""

from __future__ import annotations

import pandas as pd

from analysis.style import THOUSANDS, date_range, keep_largest, number_format, seeds_text


def test_numbers_have_thousands_separators_and_no_exponent() -> None:
    assert THOUSANDS(1_234_567) == "1,234,567"
    assert THOUSANDS(-2_500) == "-2,500"
    assert THOUSANDS(-0.2) == "0"
    assert number_format(0.5)(0.125) == "0.125"
    assert number_format(5_000)(1e6) == "1,000,000"


def test_captions_name_dates_and_seeds() -> None:
    assert date_range(pd.to_datetime(["1999-07-21", "1999-03-24"])) == "24 Mar 1999 to 21 Jul 1999"
    assert seeds_text([7]) == "seed 7"
    assert seeds_text([13, 11, 12]) == "3 replicates (seeds 11-13)"
    assert seeds_text([1, 5]) == "2 replicates (seeds 1, 5)"


def test_keep_largest_leaves_room_for_others() -> None:
    sizes = pd.Series({"a": 5, "b": 50, "c": 1, "d": 20})
    assert keep_largest(sizes, 4) == ["b", "d", "a", "c"]  # all fit: no others
    assert keep_largest(sizes, 3) == ["b", "d"]  # two by name, two summed as others
