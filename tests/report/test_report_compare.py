"""Before/after comparison: change, noise (MDC) and whether the change exceeds it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _report_helpers import make_assessment

from clonus.exceptions import InvalidParameterError
from clonus.report import ComparisonConfig, compare_assessments, render_html


def rows(cmp, i=0):
    return {r.measure: r for r in cmp.pairs[i][2]}


def test_frequency_noise_from_beat_variability(rng):
    p1 = rng.normal(1 / 6.0, 0.01, 15)
    p2 = rng.normal(1 / 6.0, 0.01, 15)
    a, b = make_assessment(n_beats=16, periods_s=p1), make_assessment(n_beats=16, periods_s=p2)
    r = rows(compare_assessments([a, b]))["frequency"]
    # independent computation of the documented formula:
    # SE_f = f^2 sqrt(pi/2) SD(T)/sqrt(n) (median of n intervals), MDC = 1.96 sqrt(sum SE^2)
    per_a = np.array([x.period_s for x in a.beats[1:]])
    per_b = np.array([x.period_s for x in b.beats[1:]])
    se = [
        f**2 * math.sqrt(math.pi / 2) * np.std(p, ddof=1) / math.sqrt(len(p))
        for f, p in ((a.frequency_hz, per_a), (b.frequency_hz, per_b))
    ]
    assert r.noise == pytest.approx(1.96 * math.hypot(*se), rel=1e-4)
    assert r.change == pytest.approx(b.frequency_hz - a.frequency_hz, abs=1e-6)
    assert r.exceeds_noise is (abs(r.change) > r.noise)


def _pair_exceeds(rng, f_before, f_after, n=16, sd_s=0.008):
    a = make_assessment(
        n_beats=n, periods_s=rng.normal(1 / f_before, sd_s, n - 1), with_trace=False
    )
    b = make_assessment(n_beats=n, periods_s=rng.normal(1 / f_after, sd_s, n - 1), with_trace=False)
    return rows(compare_assessments([a, b]))["frequency"].exceeds_noise


def test_frequency_noise_is_calibrated(rng):
    # Same rhythm before and after: a 95 % MDC should be exceeded in about 5 % of pairs. 300 pairs:
    # the binomial SD of the rate is 1.3 %, so [1 %, 10 %] is a > 3 SD band around 5 %.
    same = np.mean([_pair_exceeds(rng, 6.0, 6.0) for _ in range(300)])
    assert 0.01 <= same <= 0.10
    # A real change (6 -> 4.5 Hz, far beyond the beat-to-beat jitter) is always detected.
    assert all(_pair_exceeds(rng, 6.0, 4.5) for _ in range(50))


@pytest.mark.parametrize(
    "n_after,exceeds", [(10, False), (9, False), (8, False), (7, True), (14, True)]
)
def test_beat_count_mdc_is_two_beats(n_after, exceeds):
    r = rows(compare_assessments([make_assessment(n_beats=10), make_assessment(n_beats=n_after)]))[
        "beat count"
    ]
    assert r.change == n_after - 10 and r.noise == 2.0
    assert r.exceeds_noise is exceeds


def test_grades_compared_and_config():
    a, b = make_assessment(n_beats=70, sustained=True), make_assessment(n_beats=5)
    r = rows(compare_assessments([a, b], config=ComparisonConfig(count_mdc_beats=100)))
    assert (
        r["grade: scats_clonus"].change
        == b.grades["scats_clonus"].value - a.grades["scats_clonus"].value
    )
    assert r["beat count"].exceeds_noise is False  # |65| < 100
    assert r["sustained"].baseline is True and r["sustained"].value is False


def test_errors():
    with pytest.raises(InvalidParameterError, match="at least two"):
        compare_assessments([make_assessment()])
    with pytest.raises(InvalidParameterError, match="labels"):
        compare_assessments([make_assessment(), make_assessment()], labels=["x"])


def test_indeterminate_not_compared():
    a = make_assessment(n_beats=8)
    b = make_assessment(n_beats=0, classification="indeterminate", grades={})
    cmp = compare_assessments([a, b])
    assert rows(cmp)["beat count"].change is None and rows(cmp)["beat count"].exceeds_noise is None
    assert any("indeterminate" in w for w in cmp.warnings)


def test_comparison_section_in_report():
    html = render_html(
        [
            make_assessment(n_beats=12, source="before.csv"),
            make_assessment(n_beats=4, source="after.csv"),
        ],
        plots=False,
    )
    assert '<h2 id="comparison">Comparison</h2>' in html
    assert "after.csv vs before.csv" in html
    assert "Exceeds noise" in html
