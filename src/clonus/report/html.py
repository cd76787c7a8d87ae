"""Self-contained HTML report (plots inlined as PNG data URIs, CSS inlined)."""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Sequence
from importlib import resources
from typing import Any

from .._version import __version__
from ..exceptions import InvalidParameterError, MissingDependencyError
from ..model import DISCLAIMER, Assessment, Recording
from . import plots as _plots
from .compare import Comparison, compare_assessments
from .tables import _fmt, assessment_label, grade_rows, measure_rows, settings_rows

__all__ = ["render_html", "report_data", "context_rows"]

logger = logging.getLogger("clonus")


def _template_text(name: str) -> str:
    return resources.files("clonus.report").joinpath("templates", name).read_text(encoding="utf-8")


def _value_text(v: Any) -> str:
    if v is None:
        return "unknown"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return str(v)


def context_rows(context: Any, *, include_identifiers: bool = False) -> list[tuple[str, str]]:
    """(field, value) rows of a clinical context for display; unknown values are omitted.

    Identifiers (name, birth date, record number) are never included here; the report header
    shows them only when ``include_identifiers`` is true.
    """
    if context is None:
        return []
    from ..clinical.medications import find_serotonergic

    rows: list[tuple[str, str]] = []
    if context.subject_code:
        rows.append(("Subject code", context.subject_code))
    if context.age_years is not None:
        rows.append(("Age", f"{context.age_years:g} years"))
    if context.onset:
        rows.append(("Onset", context.onset))
    for label, v in (
        ("Persistent", context.persistent),
        ("Severity", context.severity),
        ("Interferes with walking", context.interferes_with_walking),
        ("Interferes with sleep", context.interferes_with_sleep),
        ("Stretch applied during recording", context.stretch_applied),
    ):
        if v is not None:
            rows.append((label, _value_text(v)))
    if context.medications is not None:
        if context.medications:
            parts = []
            for m in context.medications:
                hit = find_serotonergic([m])
                parts.append(f"{m} [serotonergic: {hit[0].agent.drug_class}]" if hit else m)
            rows.append(("Medications", "; ".join(parts)))
        else:
            rows.append(("Medications", "none"))
    else:
        rows.append(("Medications", "not provided"))
    for c in context.medication_changes:
        when = f", {c.days_ago:g} days ago" if c.days_ago is not None else ""
        rows.append(("Medication change", f"{c.name}: {c.change}{when}"))
    signs = {k: v for k, v in context.signs.to_dict().items() if v is not None}
    if signs:
        rows.append(
            (
                "Signs",
                "; ".join(f"{k.replace('_', ' ')}: {_value_text(v)}" for k, v in signs.items()),
            )
        )
    sym = {k: v for k, v in context.symptoms.to_dict().items() if v is not None}
    if sym:
        rows.append(
            (
                "Symptoms",
                "; ".join(f"{k.replace('_', ' ')}: {_value_text(v)}" for k, v in sym.items()),
            )
        )
    if context.history_conditions:
        rows.append(("History", ", ".join(c.replace("_", " ") for c in context.history_conditions)))
    if context.family_history:
        rows.append(("Family history", context.family_history))
    if context.history_notes:
        rows.append(("History notes", context.history_notes))
    if context.notes:
        rows.append(("Notes", context.notes))
    return rows


def _split_citation(text: str) -> list[str]:
    """Split a composite citation into the atomic sources of ``clinical.rules.CITATIONS``.

    Text that is not one of the known sources is kept as its own item, in order.
    """
    from ..clinical.rules import CITATIONS

    known = sorted(set(CITATIONS.values()), key=len, reverse=True)
    parts: list[tuple[int, str]] = []
    rest = text
    for c in known:
        i = rest.find(c)
        if i >= 0:
            parts.append((text.find(c), c))
            rest = rest.replace(c, "\x00")
    for leftover in rest.split("\x00"):
        leftover = leftover.strip()
        if leftover:
            parts.append((text.find(leftover), leftover))
    return [c for _, c in sorted(parts)]


def _statement_view(s: Any) -> dict[str, Any]:
    d = s.to_dict()
    for t in d["triggered_by"]:
        t["value_text"] = _value_text(t["value"])
    return d


def _comparison_view(cmp: Comparison) -> dict[str, Any]:
    d = cmp.to_dict()
    for c in d["comparisons"]:
        for r in c["rows"]:
            r["baseline_text"] = _value_text(r["baseline"])
            r["value_text"] = _value_text(r["value"])
            r["change_text"] = "—" if r["change"] is None else f"{r['change']:+.4g}"
            r["noise_text"] = "—" if r["noise"] is None else f"{r['noise']:.3g}"
            r["exceeds_text"] = {True: "yes", False: "no", None: "—"}[r["exceeds_noise"]]
    return d


def report_data(
    assessments: Sequence[Assessment],
    *,
    recordings: Sequence[Recording | None] | None = None,
    context: Any = None,
    include_identifiers: bool = False,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    plots_enabled: bool = True,
) -> dict[str, Any]:
    """Everything the HTML template needs (also used by tests and the web app)."""
    from ..clinical import interpret
    from ..clinical.hunter import HUNTER_VERSION
    from ..clinical.medications import MEDICATION_LIST_VERSION
    from ..clinical.rules import RULESET_VERSION

    assessments = list(assessments)
    if not assessments:
        raise InvalidParameterError("A report needs at least one assessment, got none.")
    for i, a in enumerate(assessments):
        if not isinstance(a, Assessment):
            raise InvalidParameterError(
                f"assessments[{i}] must be a clonus Assessment, got {type(a).__name__}."
            )
    recs = list(recordings) if recordings is not None else [None] * len(assessments)
    if len(recs) != len(assessments):
        raise InvalidParameterError(
            f"Got {len(recs)} recordings for {len(assessments)} assessments; "
            "pass one per assessment (None where not available)."
        )
    labs = (
        list(labels)
        if labels is not None
        else [assessment_label(a, i) for i, a in enumerate(assessments)]
    )
    items = []
    urgent: list[dict[str, Any]] = []
    references: dict[str, int] = {}  # citation text -> reference number (listed under "Sources")
    for a, rec, lab in zip(assessments, recs, labs, strict=True):
        interp = interpret(a, context)
        statements = [_statement_view(s) for s in interp.statements]
        for s in statements:
            s["refs"] = [
                references.setdefault(c, len(references) + 1)
                for c in _split_citation(s["citation"])
            ]
        urgent += [
            s
            for s in statements
            if s["level"] == "urgent" and s["text"] not in {u["text"] for u in urgent}
        ]
        item: dict[str, Any] = {
            "label": lab,
            "classification": a.classification.replace("_", " "),
            "n_beats": a.n_beats,
            "frequency": _fmt(a.frequency_hz, "Hz") if a.frequency_hz else "—",
            "duration": f"{a.clonus_duration_s:.2f} s",
            "sustained": "yes" if a.sustained else "no",
            "highest_level": interp.highest_level,
            "measures": measure_rows(a),
            "grades": grade_rows(a),
            "settings": settings_rows(a),
            "statements": statements,
            "interpretation": interp.to_dict(),
            "plot_signal": None,
            "plot_frequency": None,
            "plot_spectrum": None,
        }
        if plots_enabled:
            pngs = {
                "plot_signal": _plots.plot_signal(a, rec),
                "plot_frequency": _plots.plot_frequency(a),
                "plot_spectrum": _plots.plot_spectrum(a, rec),
            }
            for key, png in pngs.items():
                item[key] = None if png is None else _plots.to_data_uri(png)
        items.append(item)
    comparison = None
    if len(assessments) >= 2:
        comparison = _comparison_view(compare_assessments(assessments, labels=labs))
    subject = context.subject_code if context is not None and context.subject_code else "not given"
    identifiers = dict(context.identifiers) if (include_identifiers and context is not None) else {}
    return {
        "title": title
        or (
            "Clonus assessment report"
            if len(assessments) == 1
            else "Clonus assessment comparison report"
        ),
        "generated_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "software_version": __version__,
        "ruleset_version": RULESET_VERSION,
        "hunter_version": HUNTER_VERSION,
        "medication_list_version": MEDICATION_LIST_VERSION,
        "disclaimer": DISCLAIMER,
        "subject": subject,
        "identifiers": identifiers,
        "items": items,
        "urgent": urgent,
        "context_rows": context_rows(context, include_identifiers=include_identifiers),
        "comparison": comparison,
        "references": [(n, text) for text, n in references.items()],
    }


def render_html(
    assessments: Sequence[Assessment] | Assessment,
    *,
    recordings: Sequence[Recording | None] | None = None,
    context: Any = None,
    include_identifiers: bool = False,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    plots: bool = True,
) -> str:
    """Render the self-contained HTML report.

    Parameters
    ----------
    assessments : Assessment or sequence of Assessment
        One assessment, or several of the same person (baseline first) for a comparison.
    recordings : sequence of Recording or None, optional
        The recordings, used to plot the signal when an assessment carries no ``trace``.
    context : ClinicalContext, optional
        Clinical context; drives the decision-support statements.
    include_identifiers : bool
        Show the identifying details of ``context.identifiers`` in the header. Off by default:
        only the pseudonymous subject code is shown.
    labels : sequence of str, optional
        Names of the assessments (default: source file names).
    title : str, optional
    plots : bool
        Draw the figures (set False for a quick text-only report).

    Returns
    -------
    str
        HTML with inline CSS and PNG plots (no external resources).
    """
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError(
            "HTML reports need jinja2: pip install 'clonus[report]'."
        ) from exc
    if isinstance(assessments, Assessment):
        assessments = [assessments]
    data = report_data(
        assessments,
        recordings=recordings,
        context=context,
        include_identifiers=include_identifiers,
        labels=labels,
        title=title,
        plots_enabled=plots,
    )
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    tpl = env.from_string(_template_text("report.html"))
    html = tpl.render(css=_template_text("report.css"), **data)
    logger.info("rendered HTML report for %d assessment(s)", len(data["items"]))
    return html
