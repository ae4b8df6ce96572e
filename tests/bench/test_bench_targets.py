"""`make bench` marks every row that has a target with ✔ or ✘ (bench.common.target_met)."""

import pytest

from bench.common import Result, target_met


@pytest.mark.parametrize(("target", "value", "ratio", "unit", "met"), [
    ("ratio ≥ 0.10", 1, 0.2, "req/s", True),
    ("ratio ≥ 0.10", 1, 0.05, "req/s", False),
    ("ratio ≥ 0.15", 1, 0.15, "req/s", True),
    ("ratio ≤ 2", 1, 2.5, "ms", False),
    ("≤ 2", 1, 1.5, "ms", True),
    ("≥ 1,000,000 points/s", 1_200_000, 1.2, "points/s", True),  # the unit follows: the value is compared
    ("≥ 1,000,000 points/s", 900_000, 0.9, "points/s", False),
    ("≥ 0.5 of pgbench TPC-B", 10, 0.6, "tx/s", True),
    ("≥ 1 (the city in ≤ 5 s)", 1, 0.9, "households/s", False),  # the first comparison counts
    ("≥ 0.632 (1-1/e)", 1, 0.7, "", True),
    ("baseline", 1, 1, "req/s", None),
    ("(for reference)", 1, 1, "req/s", None),
    ("", 1, 1, "req/s", None),
])
def test_target_strings_are_parsed(target, value, ratio, unit, met):
    assert target_met(target, value, ratio, unit) is met


def test_rows_carry_their_mark():
    assert Result("pages", "x", 12, 100, "req/s", "ratio ≥ 0.10").row().endswith("| ratio ≥ 0.10 ✔ |")
    assert Result("pages", "x", 1, 100, "req/s", "ratio ≥ 0.10").row().endswith("| ratio ≥ 0.10 ✘ |")
    assert Result("pages", "x", 1, 1, "req/s", "baseline").row().endswith("| baseline |")
