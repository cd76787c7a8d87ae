"""PDF report: opens with pypdf and has the same sections as the HTML report."""

from __future__ import annotations

import pytest
from _report_helpers import make_assessment

from clonus.clinical import ClinicalContext
from clonus.report import write_report

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

SECTIONS = (
    "Summary",
    "Signal and beats",
    "Measures",
    "Grades",
    "Decision support",
    "Clinical context",
    "Sources",
    "Software and settings",
)


def test_pdf_has_the_html_sections(tmp_path):
    a = make_assessment(n_beats=9, sustained=True)
    ctx = ClinicalContext.from_dict(
        {
            "subject_code": "P-7",
            "onset": "new",
            "medications": ["tramadol"],
            "signs": {"tremor": True, "hyperreflexia": True},
        }
    )
    pdf_path = write_report(tmp_path / "r.pdf", [a], context=ctx)
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    reader = pypdf.PdfReader(str(pdf_path))
    assert len(reader.pages) >= 2
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for h in SECTIONS:
        assert h in text, h
    assert "URGENT" in text and "not a diagnosis" in text
    assert "P-7" in text
    # the three plots are embedded as images
    n_images = sum(len(p.images) for p in reader.pages)
    assert n_images >= 3
