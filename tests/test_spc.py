"""SPC statistics against the published table and textbook examples.

Sources (data and published results):

* Chart constants: ASTM E2587-16 Table 1 / Montgomery, *Introduction to Statistical
  Quality Control*, Appendix VI. Values are published to 3 decimals (c4 to 4).
* Piston-ring inside diameters, 25 subgroups of 5: Montgomery Example 6.1 (X̄-R:
  x̿ = 74.001, R̄ = 0.023, UCL 74.014, LCL 73.988, R chart UCL 0.049) and Example 6.3
  (X̄-S: the X̄ limits from s̄ equal those from R̄ to 3 decimals); the same data ship
  as ``pistonrings`` in R's qcc package, whose unrounded results (x̿ 74.00118,
  R̄ 0.02276, UCL 74.0143, LCL 73.98805, R UCL 0.04812; Cp 1.70, Cpk 1.66 for
  74.000 ± 0.05) are checked too.
* Orange-juice cans, 30 samples of 50: Montgomery Example 7.1 and NIST/SEMATECH
  e-Handbook §6.3.3.2 (p̄ = 0.2313, UCL 0.4102, LCL 0.0524; samples 15 and 23 out).
* Printed circuit boards, 26 samples: Montgomery Example 7.3 (c̄ = 19.85, UCL 33.22,
  LCL 6.48; samples 6 and 20 out).
* Flow rate, 10 individuals: NIST/SEMATECH e-Handbook §6.3.2.2 (centre 50.81,
  UCL 55.8041, LCL 45.8159; MR̄ 1.8778, MR UCL 6.1349).
"""

from __future__ import annotations

import pytest

from hmi.services import spc

# n: (A2, A3, c4, B3, B4, d2, d3, D3, D4)
TABLE = {
    2: (1.880, 2.659, 0.7979, 0.000, 3.267, 1.128, 0.853, 0.000, 3.267),
    3: (1.023, 1.954, 0.8862, 0.000, 2.568, 1.693, 0.888, 0.000, 2.574),
    4: (0.729, 1.628, 0.9213, 0.000, 2.266, 2.059, 0.880, 0.000, 2.282),
    5: (0.577, 1.427, 0.9400, 0.000, 2.089, 2.326, 0.864, 0.000, 2.114),
    6: (0.483, 1.287, 0.9515, 0.030, 1.970, 2.534, 0.848, 0.000, 2.004),
    7: (0.419, 1.182, 0.9594, 0.118, 1.882, 2.704, 0.833, 0.076, 1.924),
    8: (0.373, 1.099, 0.9650, 0.185, 1.815, 2.847, 0.820, 0.136, 1.864),
    9: (0.337, 1.032, 0.9693, 0.239, 1.761, 2.970, 0.808, 0.184, 1.816),
    10: (0.308, 0.975, 0.9727, 0.284, 1.716, 3.078, 0.797, 0.223, 1.777),
    25: (0.153, 0.606, 0.9896, 0.565, 1.435, 3.931, 0.708, 0.459, 1.541),
}

PISTON_RINGS = [
    (74.030, 74.002, 74.019, 73.992, 74.008), (73.995, 73.992, 74.001, 74.011, 74.004),
    (73.988, 74.024, 74.021, 74.005, 74.002), (74.002, 73.996, 73.993, 74.015, 74.009),
    (73.992, 74.007, 74.015, 73.989, 74.014), (74.009, 73.994, 73.997, 73.985, 73.993),
    (73.995, 74.006, 73.994, 74.000, 74.005), (73.985, 74.003, 73.993, 74.015, 73.988),
    (74.008, 73.995, 74.009, 74.005, 74.004), (73.998, 74.000, 73.990, 74.007, 73.995),
    (73.994, 73.998, 73.994, 73.995, 73.990), (74.004, 74.000, 74.007, 74.000, 73.996),
    (73.983, 74.002, 73.998, 73.997, 74.012), (74.006, 73.967, 73.994, 74.000, 73.984),
    (74.012, 74.014, 73.998, 73.999, 74.007), (74.000, 73.984, 74.005, 73.998, 73.996),
    (73.994, 74.012, 73.986, 74.005, 74.007), (74.006, 74.010, 74.018, 74.003, 74.000),
    (73.984, 74.002, 74.003, 74.005, 73.997), (74.000, 74.010, 74.013, 74.020, 74.003),
    (73.988, 74.001, 74.009, 74.005, 73.996), (74.004, 73.999, 73.990, 74.006, 74.009),
    (74.010, 73.989, 73.990, 74.009, 74.014), (74.015, 74.008, 73.993, 74.000, 74.010),
    (73.982, 73.984, 73.995, 74.017, 74.013),
]
ORANGE_JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11,
                20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
CIRCUIT_BOARDS = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18,
                  39, 30, 24, 16, 19, 17, 15]
FLOW_RATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]


@pytest.mark.parametrize("n", sorted(TABLE))
def test_constants_computed_from_their_formulas_match_the_table(n: int) -> None:
    a2, a3, c4, b3, b4, d2, d3, d3f, d4 = TABLE[n]
    f = spc.factors(n)
    assert f["c4"] == pytest.approx(c4, abs=0.00015)
    # The table rounds to 3 decimals, and some factors come from rounded d2/d3.
    for name, want in (("A2", a2), ("A3", a3), ("B3", b3), ("B4", b4), ("d2", d2),
                       ("d3", d3), ("D3", d3f), ("D4", d4)):
        assert f[name] == pytest.approx(want, abs=0.0015), (n, name, f[name], want)


def test_xbar_r_on_montgomerys_piston_rings() -> None:
    xbar, r, sigma = spc.xbar_r(PISTON_RINGS)
    # Published (rounded) figures of Example 6.1
    assert round(xbar.center, 3) == 74.001 and round(r.center, 3) == 0.023
    assert round(xbar.ucl, 3) == 74.014 and round(xbar.lcl, 3) == 73.988
    assert round(r.ucl, 3) == 0.048 or round(r.ucl, 3) == 0.049  # 2.114 × 0.0228 … 0.023
    assert r.lcl == 0.0
    # Unrounded, as qcc computes them
    assert xbar.center == pytest.approx(74.00118, abs=1e-5)
    assert r.center == pytest.approx(0.02276, abs=1e-5)
    assert xbar.ucl == pytest.approx(74.0143, abs=1e-4)
    assert xbar.lcl == pytest.approx(73.98805, abs=1e-4)
    assert r.ucl == pytest.approx(0.04812, abs=1e-4)
    # The baseline is in control (Example 6.1's conclusion): no rule 1 on either chart.
    means = [sum(g) / 5 for g in PISTON_RINGS]
    ranges = [max(g) - min(g) for g in PISTON_RINGS]
    assert spc.rule_hits(means, xbar, rules=(1,)) == []
    assert spc.rule_hits(ranges, r, rules=(1,)) == []
    cap = spc.capability([x for g in PISTON_RINGS for x in g], lsl=73.95, usl=74.05,
                         sigma_within=sigma)
    assert round(cap.cp, 2) == 1.70 and round(cap.cpk, 2) == 1.66
    assert cap.band == "capable" and cap.warning == "" and cap.n == 125


def test_xbar_s_on_montgomerys_piston_rings() -> None:
    """Montgomery's Exercise 6.x on these data: the X̄ limits based on s are the same as
    those based on R (to the published 3 decimals)."""
    xbar, s, sigma = spc.xbar_s(PISTON_RINGS)
    xbar_r, _, _ = spc.xbar_r(PISTON_RINGS)
    assert round(xbar.ucl, 3) == round(xbar_r.ucl, 3) == 74.014
    assert round(xbar.lcl, 3) == round(xbar_r.lcl, 3) == 73.988
    assert s.ucl == pytest.approx(2.089 * s.center, rel=1e-3) and s.lcl == 0.0
    assert sigma == pytest.approx(s.center / 0.9400, rel=1e-4)


def test_p_chart_on_the_orange_juice_cans() -> None:
    limits = spc.p_chart(ORANGE_JUICE, [50] * 30)
    assert round(limits[0].center, 4) == 0.2313
    assert round(limits[0].ucl, 4) == 0.4102 and round(limits[0].lcl, 4) == 0.0524
    out = [h.index + 1 for h in spc.rule_hits([d / 50 for d in ORANGE_JUICE], limits,
                                              rules=(1,))]
    assert out == [15, 23]


def test_c_chart_on_the_circuit_boards() -> None:
    lim = spc.c_chart(CIRCUIT_BOARDS)
    assert round(lim.center, 2) == 19.85
    # Published 33.22 / 6.48 (from the rounded c̄ = 19.85); qcc: 33.21086 / 6.481447.
    assert lim.ucl == pytest.approx(33.22, abs=0.01) and round(lim.lcl, 2) == 6.48
    assert lim.ucl == pytest.approx(33.21086, abs=1e-4)
    assert [h.index + 1 for h in spc.rule_hits(CIRCUIT_BOARDS, lim, rules=(1,))] == [6, 20]


def test_individuals_and_moving_range_on_the_nist_flow_rate() -> None:
    i, mr, _ = spc.imr(FLOW_RATE)
    assert i.center == pytest.approx(50.81, abs=1e-9)
    assert i.ucl == pytest.approx(55.8041, abs=2e-3) and i.lcl == pytest.approx(45.8159, abs=2e-3)
    assert mr.center == pytest.approx(1.8778, abs=1e-4)
    assert mr.ucl == pytest.approx(6.1349, abs=2e-3) and mr.lcl == 0.0


def test_np_and_u_charts_follow_their_formulas() -> None:
    lim = spc.np_chart(ORANGE_JUICE, 50)
    assert lim.center == pytest.approx(50 * 347 / 1500)
    assert lim.ucl == pytest.approx(50 * 0.4102, abs=0.01)
    u = spc.u_chart([14, 12, 20], [10, 8, 13])
    ubar = 46 / 31
    assert u[1].center == pytest.approx(ubar)
    assert u[1].ucl == pytest.approx(ubar + 3 * (ubar / 8) ** 0.5)
    assert u[1].ucl > u[2].ucl  # fewer units, wider limits


# --------------------------------------------------------------------------- rules

LIM = spc.Limits(0.0, 3.0, -3.0)  # values below are in sigma units
# A clean series: in control, no pattern (checked against every rule).
CLEAN = [0.5, -1.2, 1.5, 0.3, -0.4, -1.5, 0.8, 1.1, -0.2, -0.9, 0.1, 1.3, -1.1, 0.6, 0.2,
         -0.7, 1.6, -1.3, 0.4, -0.1, 0.9, -0.6, 1.2, -1.4, 0.0]

CASES = {
    1: [0.2, -0.5, 3.4],
    2: [0.3, 0.8, 0.1, 1.2, 0.5, 0.4, 0.9, 0.2, 0.6],
    3: [-1.0, -0.6, -0.1, 0.4, 0.9, 1.3],
    4: [0.5, -0.5, 0.6, -0.4, 0.7, -0.3, 0.5, -0.6, 0.4, -0.5, 0.6, -0.4, 0.5, -0.5],
    5: [0.1, 2.3, 0.4, 2.5],
    6: [1.2, 0.3, 1.5, 1.1, 1.4],
    7: [0.2, -0.3, 0.5, -0.1, 0.4, -0.6, 0.3, -0.2, 0.1, -0.4, 0.6, -0.5, 0.2, -0.3, 0.4],
    8: [1.5, -1.2, 1.8, -1.6, 1.3, -1.4, 1.7, -1.9],
}


@pytest.mark.parametrize("rule", spc.NELSON)
def test_each_nelson_rule_fires_on_its_pattern_at_the_completing_point(rule: int) -> None:
    series = CASES[rule]
    hits = [h for h in spc.rule_hits(series, LIM, rules=(rule,), only_last=True)]
    assert [h.rule for h in hits] == [rule], hits
    (hit,) = hits
    assert hit.index == len(series) - 1 and hit.index in hit.points
    assert not spc.rule_hits(series[:-1], LIM, rules=(rule,), only_last=True)  # not before


def test_a_clean_series_fires_no_rule() -> None:
    assert spc.rule_hits(CLEAN, LIM, rules=spc.NELSON) == []
    assert spc.rule_hits(CLEAN, LIM, rules=spc.WESTERN_ELECTRIC) == []


def test_the_points_involved_are_the_ones_to_highlight() -> None:
    (hit,) = spc.rule_hits([0.1, 2.3, 0.4, 2.5], LIM, rules=(5,), only_last=True)
    assert hit.points == (1, 3)  # the two beyond 2 sigma, not the one between
    (run,) = spc.rule_hits([0.2] * 8, LIM, rules=spc.WESTERN_ELECTRIC, only_last=True)
    assert run.rule == 9 and run.points == tuple(range(8))


def test_capability_warns_when_the_sample_is_too_small_and_bands_by_cpk() -> None:
    cap = spc.capability([10.0, 10.2, 9.9, 10.1, 10.0], lsl=9.0, usl=11.0, sigma_within=0.4)
    assert cap.warning.startswith("only 5 values")
    assert cap.cpk == pytest.approx((11.0 - 10.04) / 1.2)
    assert cap.band == "not capable"
    one_sided = spc.capability([5.0, 5.1, 4.9] * 12, lsl=None, usl=6.0, sigma_within=0.25)
    assert one_sided.cp is None and one_sided.cpk == pytest.approx(1.0 / 0.75)
    assert one_sided.band == "capable"
    with pytest.raises(ValueError, match="lower specification limit must be below"):
        spc.capability([1.0, 2.0], lsl=3.0, usl=2.0, sigma_within=1.0)


def test_bad_baselines_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="same size"):
        spc.xbar_r([(1.0, 2.0), (1.0, 2.0, 3.0)])
    with pytest.raises(ValueError, match="at least two subgroups"):
        spc.xbar_r([(1.0, 2.0)])
    with pytest.raises(ValueError, match="between 0 and their sample size"):
        spc.p_chart([60], [50])
