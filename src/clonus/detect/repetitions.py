"""Several clonus tests in one recording: one result per test, and the one to report.

Examiners often repeat the ankle clonus test within one recording: push, hold, let go, wait,
push again. Analysed as one test, the beats of the later tests chain onto the first test's run
("13 beats lasting 12.6 s, still beating" from three tests of 3 beats each), and a later test
cannot be judged at all (the earlier test's beats look like a tremor before its stretch).
:func:`clonus.detect.motion.assess_motion` therefore finds the later stretches (each after a
release, with the foot back down and quiet before it) and analyses each test on its own part
of the recording; this module shifts those results back to the recording's time base and picks
the test to report.

Which test to report: by default the one with the strongest response (clonus before other
classifications, then pathological, then the most beats, then the longest; the earliest on a
tie), the usual clinical practice of recording the maximal response over repeated tests (the
clinical scales grade the clonus that was elicited, clinical-reference section 4). Every test is
listed in ``metrics["tests"]``; ``MotionConfig.test_number`` reports a given one instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..exceptions import InvalidParameterError
from ..model import Assessment, Trace

__all__ = ["shift_assessment", "combine_tests", "summarize_test", "strength"]

#: Keys of ``Assessment.metrics`` (top level) holding a time from the recording start, in s.
_TIME_KEYS = ("first_beat_reference_s", "release_s", "apparent_release_s")
#: Keys holding a time inside nested metric objects (stretch, rhythms, dropouts, beats).
_NESTED_TIME_KEYS = ("time_s", "start_s", "end_s", "onset_s", "peak_s")
#: "at 1.23 s", "at 1.23, 4.56 s" in reasons and warnings (two decimals kept as written).
_AT_TIMES = re.compile(r"\bat ((?:\d+\.\d+, )*\d+\.\d+) s\b")


def _shift_text(text: str, dt: float) -> str:
    def sub(m: re.Match[str]) -> str:
        vals = m.group(1).split(", ")
        dec = len(vals[0].split(".")[1])
        return "at " + ", ".join(f"{float(v) + dt:.{dec}f}" for v in vals) + " s"

    return _AT_TIMES.sub(sub, text)


def _shift_nested(obj: Any, dt: float) -> Any:
    if isinstance(obj, Mapping):
        return {
            k: (v + dt if k in _NESTED_TIME_KEYS and isinstance(v, (int, float))
                and not isinstance(v, bool) else _shift_nested(v, dt))
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_shift_nested(v, dt) for v in obj]
    return obj


def shift_assessment(a: Assessment, dt: float) -> Assessment:
    """The assessment of a part of a recording, with its times moved by ``dt`` seconds.

    Parameters
    ----------
    a : Assessment
        Result of analysing a part that started ``dt`` s after the recording's first sample.
    dt : float
        Offset, in s.

    Returns
    -------
    Assessment
        Beat, run, stretch, release and trace times (and the times quoted in the reason and
        warnings) from the recording's first sample; durations are unchanged.
    """
    if dt == 0:
        return a
    m: dict[str, Any] = {}
    for k, v in a.metrics.items():
        if k in _TIME_KEYS and isinstance(v, (int, float)):
            m[k] = v + dt
        elif k == "impulses_s":
            m[k] = [t + dt for t in v]
        else:
            m[k] = _shift_nested(v, dt)
    trace = a.trace
    if trace is not None:
        trace = Trace(trace.times_s + dt, trace.values, trace.unit, trace.label)
    return replace(
        a,
        beats=tuple(
            replace(b, time_s=b.time_s + dt, end_s=None if b.end_s is None else b.end_s + dt)
            for b in a.beats
        ),
        runs=tuple(replace(r, start_s=r.start_s + dt, end_s=r.end_s + dt) for r in a.runs),
        stretch_onset_s=None if a.stretch_onset_s is None else a.stretch_onset_s + dt,
        reason=_shift_text(a.reason, dt),
        warnings=tuple(_shift_text(w, dt) for w in a.warnings),
        metrics=m,
        trace=trace,
    )


def summarize_test(a: Assessment, number: int, part_s: tuple[float, float]) -> dict[str, Any]:
    """The per-test summary listed in ``metrics["tests"]`` (times from the recording start)."""
    return {
        "number": number,
        "part_s": [float(part_s[0]), float(part_s[1])],
        "stretch_onset_s": a.stretch_onset_s,
        "classification": a.classification,
        "n_beats": a.n_beats,
        "frequency_hz": a.frequency_hz,
        "clonus_duration_s": a.clonus_duration_s,
        "sustained": a.sustained,
        "pathological": a.pathological,
        "release_s": a.metrics.get("release_s"),
        "reason": a.reason,
    }


def strength(a: Assessment) -> tuple:
    """Sort key of a test's response: clonus first, then pathological, most beats, longest."""
    return (a.classification == "clonus", a.pathological, a.n_beats, a.clonus_duration_s)


def combine_tests(
    tests: Sequence[Assessment],
    parts_s: Sequence[tuple[float, float]],
    *,
    test_number: int | None = None,
    warnings: Sequence[str] = (),
) -> Assessment:
    """One result for a recording holding several clonus tests.

    Parameters
    ----------
    tests : sequence of Assessment
        One result per test, in the recording's time base (:func:`shift_assessment`).
    parts_s : sequence of (float, float)
        The part of the recording each test was analysed on, in s.
    test_number : int, optional
        Report this test (1 = the first). By default the strongest response is reported.
    warnings : sequence of str
        Warnings about the whole recording (units, sampling rate), kept first.

    Returns
    -------
    Assessment
        The reported test's result, with ``metrics["tests"]`` (every test's summary),
        ``metrics["test_number"]``, ``metrics["n_tests"]``, the choice in the reason and a
        warning naming the other tests.
    """
    n = len(tests)
    if n == 0 or len(parts_s) != n:
        raise InvalidParameterError("combine_tests needs one part per test, and >= 1 test.")
    if test_number is None:
        best = max(range(n), key=lambda k: (strength(tests[k]), -k))
        why = "the strongest response (clonus first, then the most beats, then the longest)"
    else:
        if not 1 <= test_number <= n:
            raise InvalidParameterError(
                f"test_number {test_number} asked for, but the recording holds {n} clonus "
                f"test(s) (stretches at {', '.join(_onsets(tests))} s); use 1 to {n}."
            )
        best = test_number - 1
        why = "as asked"
    a = tests[best]
    summaries = [summarize_test(t, k + 1, parts_s[k]) for k, t in enumerate(tests)]
    others = "; ".join(
        f"test {s['number']} at {s['stretch_onset_s']:.2f} s: {s['classification']}, "
        f"{s['n_beats']} beat(s)"
        for s in summaries
        if s["number"] != best + 1 and s["stretch_onset_s"] is not None
    )
    note = (
        f"{n} clonus tests in this recording (stretches at {', '.join(_onsets(tests))} s); "
        f"reported: test {best + 1}, {why}. Others: {others}. Each test is in metrics.tests."
    )
    own = [w for w in a.warnings if w not in warnings]
    return replace(
        a,
        reason=f"test {best + 1} of {n}: {a.reason}",
        warnings=(*warnings, note, *own),
        metrics={**a.metrics, "n_tests": n, "test_number": best + 1, "tests": summaries},
    )


def _onsets(tests: Sequence[Assessment]) -> list[str]:
    return [f"{t.stretch_onset_s:.2f}" for t in tests if t.stretch_onset_s is not None]
