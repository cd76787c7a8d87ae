"""Reports a clinician can file: HTML, PDF, tidy beats CSV and HL7 FHIR R4 Observation.

Public API
----------
:func:`write_report`
    Write a report, the format chosen from the file suffix (``.html``, ``.pdf``, ``.csv``,
    ``.fhir.json``).
:func:`render_html`
    The self-contained HTML report as a string.
:func:`to_fhir`
    A FHIR R4 ``Observation`` dict for one assessment (:func:`to_fhir_bundle` for several).
:func:`beats_csv`
    Tidy CSV of the beats (one row per beat).
:func:`compare_assessments`
    Before/after comparison with the change and whether it exceeds measurement noise.

Every report says that clonus supports and does not replace clinical judgement, and is not a
diagnosis. Only the pseudonymous subject code is shown unless identifiers are asked for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..exceptions import InvalidParameterError
from ..model import Assessment, Recording
from .compare import Comparison, ComparisonConfig, compare_assessments
from .fhir import check_observation_r4, to_fhir, to_fhir_bundle
from .html import render_html
from .tables import beats_csv, beats_csv_many

__all__ = [
    "REPORT_FORMATS",
    "write_report",
    "render_html",
    "to_fhir",
    "to_fhir_bundle",
    "check_observation_r4",
    "beats_csv",
    "beats_csv_many",
    "compare_assessments",
    "Comparison",
    "ComparisonConfig",
]

logger = logging.getLogger("clonus")

#: Report formats by file suffix.
REPORT_FORMATS = {
    ".html": "HTML report",
    ".htm": "HTML report",
    ".pdf": "PDF report",
    ".csv": "tidy beats CSV",
    ".fhir.json": "HL7 FHIR R4 Observation (Bundle if several)",
}


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".fhir.json"):
        return ".fhir.json"
    suffix = path.suffix.lower()
    if suffix in REPORT_FORMATS:
        return suffix
    allowed = ", ".join(REPORT_FORMATS)
    raise InvalidParameterError(
        f"Cannot tell the report format of {path.name!r}: the file name must end with one of "
        f"{allowed}."
    )


def write_report(
    out_path: str | Path,
    assessments: Sequence[Assessment] | Assessment,
    *,
    recordings: Sequence[Recording | None] | None = None,
    context: Any = None,
    include_identifiers: bool = False,
    labels: Sequence[str] | None = None,
    title: str | None = None,
) -> Path:
    """Write a report; the format is chosen from the suffix of ``out_path``.

    Parameters
    ----------
    out_path : str or Path
        ``.html`` (self-contained HTML), ``.pdf`` (weasyprint), ``.csv`` (tidy beats) or
        ``.fhir.json`` (FHIR R4 Observation; a Bundle of Observations for several assessments).
    assessments : Assessment or sequence of Assessment
        One assessment, or several of the same person (baseline first) to compare.
    recordings : sequence of Recording or None, optional
        One per assessment; used for plots when an assessment has no trace.
    context : ClinicalContext, optional
        Clinical context (:func:`clonus.clinical.load_context`).
    include_identifiers : bool
        Show identifying details from the context. Off by default (pseudonymous code only).
    labels : sequence of str, optional
        Names of the assessments (default: source file names).
    title : str, optional

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InvalidParameterError
        Unknown suffix, no assessments, or mismatched recordings/labels.
    MissingDependencyError
        A library for the format (jinja2, matplotlib, weasyprint) is missing.

    Examples
    --------
    >>> write_report("report.html", [assessment], context=ctx)  # doctest: +SKIP
    """
    path = Path(out_path)
    fmt = _format_of(path)
    items = [assessments] if isinstance(assessments, Assessment) else list(assessments)
    if not items:
        raise InvalidParameterError("write_report needs at least one assessment, got none.")
    if not path.parent.exists():
        raise InvalidParameterError(
            f"Cannot write {str(path)!r}: folder {str(path.parent)!r} does not exist."
        )
    if fmt in (".html", ".htm", ".pdf"):
        html = render_html(
            items,
            recordings=recordings,
            context=context,
            include_identifiers=include_identifiers,
            labels=labels,
            title=title,
        )
        if fmt == ".pdf":
            from .pdf import html_to_pdf

            html_to_pdf(html, path)
        else:
            path.write_text(html, encoding="utf-8")
    elif fmt == ".csv":
        path.write_text(beats_csv_many(items, labels=labels), encoding="utf-8")
    else:
        from ..clinical import interpret

        kw = {"context": context, "include_identifiers": include_identifiers}
        if len(items) == 1:
            doc = to_fhir(items[0], interpretation=interpret(items[0], context), **kw)
        else:
            doc = to_fhir_bundle(
                items, interpretations=[interpret(a, context) for a in items], **kw
            )
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    logger.info("wrote a %s", REPORT_FORMATS[fmt])  # no file names: they can identify people
    return path
