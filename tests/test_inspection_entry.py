"""A measured value typed at the station: refused with a reason, or judged against spec."""

from __future__ import annotations

import pytest

from hmi.services.inspection_entry import EntryError, Spec, check_entry

DEPTH = Spec(lsl=11.8, usl=12.2, target=12.0, unit="mm", resolution=0.01,
             physical_min=0.0, physical_max=50.0)


@pytest.mark.parametrize("text,value", [("12.05", 12.05), (" 12,05 ", 12.05), ("12", 12.0),
                                        ("12.10", 12.1)])
def test_a_good_value_is_in_spec(text: str, value: float) -> None:
    v = check_entry(text, DEPTH)
    assert v.in_spec and v.value == value and v.side == ""


@pytest.mark.parametrize("text,why", [
    ("", "Enter the measured value"),
    ("abc", "“abc” is not a number"),
    ("12.5.1", "is not a number"),
    ("nan", "is not a measurement"),
    ("-0.5", "impossible here (it cannot be below 0 mm)"),
    ("120", "impossible here (it cannot be above 50 mm)"),
    ("12.005", "more digits than the gauge resolves (0.01 mm steps)"),
])
def test_what_cannot_be_stored_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(EntryError, match=why.replace("(", r"\(").replace(")", r"\)")):
        check_entry(text, DEPTH)


def test_out_of_spec_values_are_judged_with_how_far() -> None:
    low = check_entry("11.75", DEPTH)
    assert (low.in_spec, low.side) == (False, "low")
    assert low.text == "11.75 mm is BELOW the lower limit 11.8 mm by 0.05 mm."
    high = check_entry("12.21", DEPTH)
    assert (high.side, high.text) == ("high", "12.21 mm is ABOVE the upper limit 12.2 mm by "
                                              "0.01 mm.")
    edge = check_entry("12.20", DEPTH)
    assert edge.in_spec  # on the limit is in spec


def test_one_sided_and_unchecked_specs() -> None:
    torque = Spec(lsl=22.0, unit="Nm")
    assert check_entry("99", torque).in_spec
    assert not check_entry("21.9", torque).in_spec
    assert check_entry("3.14159", Spec()).in_spec  # no resolution given: not checked
