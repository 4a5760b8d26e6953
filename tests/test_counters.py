"""Raw counters to part increments: wraps and resets neither lose nor invent parts."""

import pytest

from hmi.services.counters import CounterTracker


def feed(tracker, values):
    return [tracker.update(v) for v in values]


def test_plain_counting_and_gap_after_reconnect():
    t = CounterTracker(32)
    assert feed(t, [100, 101, 101, 105]) == [(0, "first"), (1, "count"), (0, "count"), (4, "count")]


@pytest.mark.parametrize("bits", [16, 32])
def test_wrap_counts_the_parts_across_the_top(bits):
    top = (1 << bits) - 1
    t = CounterTracker(bits, last_raw=top - 2)
    assert t.update(1) == (4, "wrap")  # top-1, top, 0, 1


def test_reset_to_zero_counts_parts_made_since():
    t = CounterTracker(32, last_raw=5000)
    assert t.update(3) == (3, "reset")


def test_restart_continues_from_persisted_baseline():
    t = CounterTracker(32, last_raw=250)
    assert t.update(260) == (10, "count")


def test_out_of_range_value_is_refused():
    with pytest.raises(ValueError, match="outside"):
        CounterTracker(16).update(70000)
