"""Union of time intervals (gaps, dropouts), shared by the readers and the detectors."""

from __future__ import annotations

from collections.abc import Iterable


def merge_intervals(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted union of ``(start, end)`` intervals: overlapping or touching ones are merged.

    Parameters
    ----------
    intervals : iterable of (float, float)
        ``(start, end)`` pairs with ``start <= end`` (any unit, e.g. seconds).

    Returns
    -------
    list of (float, float)
        Disjoint intervals in increasing order.

    Examples
    --------
    >>> merge_intervals([(3.0, 4.0), (0.0, 1.0), (0.5, 2.0)])
    [(0.0, 2.0), (3.0, 4.0)]
    """
    out: list[tuple[float, float]] = []
    for a, b in sorted((float(a), float(b)) for a, b in intervals):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
