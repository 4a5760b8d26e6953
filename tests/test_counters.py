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


def test_a_group_of_facts_is_one_transaction_with_consecutive_seqs(demo_store):
    """The app's group commit: facts queued while the DB worker was busy go in together."""
    import datetime as dt

    from sqlalchemy import select

    from hmi.services.recorder import ProductionRecorder
    from hmi.store.models import MachineStateEvent, ProductionCountEvent

    rec = ProductionRecorder(demo_store, "ST-10")
    t = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    facts = [("machine_state", {"state_code": 1, "state": "running", "source_ts": t})]
    facts += [("production_count", {"kind": "good", "increment": 1, "raw": 100 + i,
                                    "source_ts": t}) for i in range(50)]
    rec.record_many(facts)
    with demo_store() as s:
        counts = list(s.scalars(select(ProductionCountEvent).order_by(ProductionCountEvent.seq)))
        state = s.scalars(select(MachineStateEvent).order_by(MachineStateEvent.seq.desc())).first()
    assert [c.raw_counter for c in counts[-50:]] == list(range(100, 150))
    seqs = [state.seq, *(c.seq for c in counts[-50:])]
    assert seqs == list(range(seqs[0], seqs[0] + 51))  # in order, no gap
    assert rec.baseline()[0] == 149
    # a bad fact fails the whole group: nothing of it is written
    before = len(counts)
    try:
        rec.record_many([("production_count", {"kind": "good", "increment": 1, "raw": 1,
                                               "source_ts": t}), ("nonsense", {})])
    except ValueError:
        pass
    with demo_store() as s:
        assert len(list(s.scalars(select(ProductionCountEvent)))) == before
