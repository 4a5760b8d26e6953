"""The SPC control chart widget: what a person sees when a rule fires."""

from __future__ import annotations

import pytest

from hmi.services import spc
from hmi.widgets.control_chart import ControlChart
from tests.test_spc import ORANGE_JUICE, PISTON_RINGS


def test_points_of_a_firing_rule_and_beyond_the_limits_are_flagged(qtbot) -> None:
    xbar, _, _ = spc.xbar_r(PISTON_RINGS)
    means = [sum(g) / 5 for g in PISTON_RINGS] + [74.008, 74.0115, 74.012, 74.020]
    (hit,) = spc.rule_hits(means[:-1], xbar, only_last=True)
    chart = ControlChart("X̄", "mm")
    qtbot.addWidget(chart)
    chart.resize(900, 500)
    chart.show()
    chart.set_data(means, xbar.center, xbar.ucl, xbar.lcl, highlight=hit.points,
                   message=f"Rule {hit.rule}: {hit.text}")
    assert hit.rule == 5 and hit.points == (26, 27)
    assert chart.highlighted == [26, 27, 28]  # the rule's points and the one beyond UCL
    assert chart.message.isVisible() and chart.message.text().startswith("Rule 5")
    assert len(chart.flagged.data) == 3 and len(chart.normal.data) == len(means) - 3
    chart.set_data(means[:25], xbar.center, xbar.ucl, xbar.lcl)
    assert chart.highlighted == [] and not chart.message.isVisible()


def test_varying_limits_of_a_p_chart_and_their_length_is_checked(qtbot) -> None:
    sizes = [50] * 29 + [25]
    lims = spc.p_chart(ORANGE_JUICE, sizes)
    chart = ControlChart("p")
    qtbot.addWidget(chart)
    p = [d / n for d, n in zip(ORANGE_JUICE, sizes, strict=True)]
    chart.set_data(p, lims[0].center, [x.ucl for x in lims], [x.lcl for x in lims])
    xs, ys = chart.ucl.getData()
    assert len(xs) == 2 * len(p) and ys[-1] > ys[0]  # the small last sample: wider limits
    assert [i + 1 for i in chart.highlighted] == [15, 23]
    with pytest.raises(ValueError, match="one limit per value"):
        chart.set_data(p, 0.2, [0.4, 0.4], 0.0)


def test_without_limits_only_the_points_are_drawn(qtbot) -> None:
    chart = ControlChart("Depth", "mm")
    qtbot.addWidget(chart)
    chart.set_data([12.0, 12.1, 11.9], 12.0, 12.3, 11.7)
    assert chart.ucl.isVisible() and chart.center.isVisible()
    chart.set_data([12.0, 12.5, 11.9], None)
    # no limit lines that could be read as limits, and nothing flagged "beyond"
    assert not chart.ucl.isVisible() and not chart.lcl.isVisible()
    assert not chart.center.isVisible() and not any(z.isVisible() for z in chart.zones)
    assert chart.highlighted == []
