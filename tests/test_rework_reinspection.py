"""A rework disposition makes the re-inspection due; its first results decide the units.

Real demo store, the real OrderStack (holds + inspections wired as the app wires them),
real recorder, signatures by the demo team lead Clara (tests/quality_line.py). The plan
IP-BRK has BUSH-DEPTH and VISUAL: reworked order units are re-inspected on both.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hmi.services.holds import FAILED, PASSED, HoldError
from tests.quality_line import CLARA, ORDER, Clock, Line

T0 = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
DEPTH_OK = ["12.01", "11.98", "12.03", "12.00", "12.02"]
DEPTH_BAD = ["12.01", "11.98", "12.25", "12.00", "12.02"]


@pytest.fixture
def people(demo_people):
    return demo_people


@pytest.fixture
def line(qtbot, demo_store, people):
    ln = Line(qtbot, demo_store, Clock(T0))
    ln.start(people["anna"])
    ln.parts(1)
    ln.record(people["anna"], "BUSH-DEPTH", DEPTH_OK)  # the first piece
    yield ln
    ln.shutdown()


def later(line: Line, minutes: float = 1) -> None:
    line.clock.at(line.clock.now + dt.timedelta(minutes=minutes))


def dispose(line: Line, actor, disposition: str, n: int, **kw) -> None:
    fut = line.stack.holds.dispose(actor, "order", ORDER, disposition, n, **CLARA, **kw)
    line.settle()
    assert fut.exception(timeout=5) is None


def counts(line: Line) -> tuple[int, ...]:
    q = line.stack.holds.quality(ORDER)
    return (q.suspect, q.rework, q.awaiting_reinspection, q.rework_passed, q.rework_failed,
            q.good_adjustment)


def test_a_passing_reinspection_makes_the_reworked_units_good(line, people):
    anna = people["anna"]
    line.stack.holds.place(anna, "order", ORDER, "burr on the bushing seat")
    later(line)
    line.parts(6)
    assert line.stack.holds.quality(ORDER).made_under_hold == 6
    later(line)
    dispose(line, anna, "rework", 4, comment="deburr")
    assert counts(line) == (2, 4, 4, 0, 0, -6)
    # the reworked units are due for a re-inspection on every characteristic of the plan
    assert {c: r for c, (r, _t) in line.due().items()} == {"BUSH-DEPTH": "rework",
                                                           "VISUAL": "rework"}
    later(line)
    line.record(anna, "BUSH-DEPTH", DEPTH_OK)
    assert counts(line) == (2, 4, 4, 0, 0, -6)  # VISUAL is still to be re-inspected
    line.record(anna, "VISUAL", ["0"])
    assert counts(line) == (2, 4, 0, 4, 0, -2)  # good again
    (rw,) = line.stack.holds.reworks(ORDER)
    assert rw.state == PASSED and len(rw.result_ids) == 2
    assert line.due() == {}

    line.restart()  # derived from the stored results and dispositions
    assert counts(line) == (2, 4, 0, 4, 0, -2)
    assert line.errors == []


def test_a_failing_reinspection_leaves_them_awaiting_for_a_new_disposition(line, people):
    anna = people["anna"]
    line.stack.holds.place(anna, "order", ORDER, "burr on the bushing seat")
    later(line)
    line.parts(5)
    dispose(line, anna, "rework", 3, comment="deburr")
    dispose(line, anna, "scrap", 2)
    with pytest.raises(HoldError, match="has only 0 undecided"):
        line.stack.holds.dispose(anna, "order", ORDER, "scrap", 1, **CLARA)
    later(line)
    line.record(anna, "BUSH-DEPTH", DEPTH_BAD)  # the re-inspection fails
    assert counts(line) == (0, 3, 3, 0, 3, -5)
    (rw,) = line.stack.holds.reworks(ORDER)
    assert rw.state == FAILED
    line.record(anna, "VISUAL", ["0"])  # a later pass does not undo the failed check
    assert counts(line) == (0, 3, 3, 0, 3, -5)

    # the team lead decides again: at most the 3 failed units
    with pytest.raises(HoldError, match="4 units cannot get a disposition"):
        line.stack.holds.dispose(anna, "order", ORDER, "scrap", 4, **CLARA)
    dispose(line, anna, "scrap", 2, defect_code="BURR")
    dispose(line, anna, "use_as_is", 1, comment="burr below 0.1 mm, concession C-7")
    q = line.stack.holds.quality(ORDER)
    assert (q.scrap, q.use_as_is, q.redisposed, q.awaiting_reinspection, q.suspect,
            q.good_adjustment) == (4, 1, 3, 0, 0, -4)

    line.restart()
    again = line.stack.holds.quality(ORDER)
    assert again == q
    assert line.errors == []
