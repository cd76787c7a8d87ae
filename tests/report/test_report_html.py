"""HTML report: sections, inline plots, grades with their rules, decision support, privacy."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from _report_helpers import make_assessment

from clonus.clinical import ClinicalContext
from clonus.model import DISCLAIMER
from clonus.report import render_html, write_report
from clonus.report.plots import plot_signal, signal_series

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

CTX = {
    "subject_code": "P-042",
    "identifiers": {"name": "Jane Example"},
    "onset": "new",
    "medications": ["sertraline 50 mg"],
    "signs": {"agitation": True},
}


@pytest.fixture(scope="module")
def html_urgent():
    a = make_assessment(n_beats=9)
    return render_html([a], context=ClinicalContext.from_dict(CTX))


def test_sections_and_disclaimer(html_urgent):
    for h in SECTIONS:
        assert re.search(rf"<h[23][^>]*>{re.escape(h)}", html_urgent), h
    assert DISCLAIMER in html_urgent
    assert "not a diagnosis" in html_urgent


def test_three_plots_inline_and_decodable(html_urgent):
    uris = re.findall(
        r'<img class="plot (plot-\w+)"[^>]*src="data:image/png;base64,([^"]+)"', html_urgent
    )
    assert [u[0] for u in uris] == ["plot-signal", "plot-frequency", "plot-spectrum"]
    import matplotlib.image as mpimg

    for _, b64 in uris:
        img = mpimg.imread(io.BytesIO(base64.b64decode(b64)), format="png")
        assert img.shape[0] > 100 and img.shape[1] > 300
        assert img[..., :3].std() > 0.05  # not a blank image


def test_self_contained(html_urgent):
    assert "<link" not in html_urgent and "<script" not in html_urgent
    assert not re.search(r'(src|href)="(https?:)?//', html_urgent)


def test_grades_with_rules(html_urgent):
    table = re.search(r'<table class="grades">.*?</table>', html_urgent, re.S).group(0)
    for scale in ("scats_clonus", "csi_clonus", "tardieu_quality"):
        assert scale in table
    assert "Benz et al. 2005" in table and "duration" in table


def test_statement_sources_are_numbered(html_urgent):
    ref = re.search(r"\[([\d, ]+)\] · hunter\.met", html_urgent)
    assert ref, "the Hunter statement must point to numbered sources"
    nums = [int(n) for n in ref.group(1).split(",")]
    texts = [re.search(rf'<li value="{n}">([^<]*)</li>', html_urgent).group(1) for n in nums]
    assert any("Dunkley" in t for t in texts) and any("Source document 003" in t for t in texts)
    # each source is listed once
    items = re.findall(r'<li value="\d+">([^<]*)</li>', html_urgent)
    assert len(items) == len(set(items))


def test_urgent_banner_and_triggering_inputs(html_urgent):
    assert 'id="urgent-banner"' in html_urgent
    assert "Hunter Serotonin Toxicity Criteria are met" in html_urgent
    assert "agitation = yes" in html_urgent  # triggered-by list shows input and value


def test_no_urgent_banner_without_hunter():
    html = render_html(
        make_assessment(n_beats=9),
        context=ClinicalContext.from_dict({"medications": []}),
        plots=False,
    )
    assert 'id="urgent-banner"' not in html
    assert "Decision support" in html


def test_pseudonymous_by_default_identifiers_on_request():
    ctx = ClinicalContext.from_dict(CTX)
    a = make_assessment(n_beats=4, source="/home/clinic/Jane_Example/trial.csv")
    html = render_html(a, context=ctx, plots=False)
    assert 'class="plot' not in html
    assert "P-042" in html and "Jane Example" not in html and "Jane_Example" not in html
    html2 = render_html(a, context=ctx, include_identifiers=True, plots=False)
    assert "Jane Example" in html2


def test_beat_markers_sit_on_the_signal():
    # The markers are drawn at np.interp(beat time) on the plotted trace: with beats placed at the
    # analytic peaks of the synthetic sinusoid they must be the local maxima (10 deg + 3 deg).
    a = make_assessment(n_beats=6, fs_hz=1000.0)
    t, x, unit, _ = signal_series(a)
    y = np.interp([b.time_s for b in a.beats], t, x)
    assert unit == "deg"
    np.testing.assert_allclose(y, 13.0, atol=0.01)  # 1 kHz sampling: peak error < 0.01 deg
    assert plot_signal(a)[:8] == b"\x89PNG\r\n\x1a\n"


def test_recording_used_when_no_trace():
    from clonus.model import Recording

    a = make_assessment(n_beats=5, with_trace=False)
    assert signal_series(a) is None
    rec = Recording.from_array(
        np.sin(np.arange(400) / 10.0)[None, :],
        fs=200.0,
        names=["angle"],
        kinds=["angle"],
        units=["rad"],
    )
    t, x, unit, label = signal_series(a, rec)
    assert len(t) == 400 and unit == "rad" and "angle" in label


def test_indeterminate_assessment_renders(tmp_path):
    a = make_assessment(n_beats=0, classification="indeterminate", grades={}, with_trace=False)
    p = write_report(tmp_path / "r.html", [a])
    html = p.read_text()
    assert "indeterminate" in html and "No grades were computed" in html
    assert "could not be assessed" in html


def test_bad_suffix_and_folder(tmp_path):
    from clonus.exceptions import InvalidParameterError

    a = make_assessment(n_beats=3)
    with pytest.raises(InvalidParameterError, match=r"\.html.*\.pdf"):
        write_report(tmp_path / "r.docx", [a])
    with pytest.raises(InvalidParameterError, match="does not exist"):
        write_report(tmp_path / "nope" / "r.html", [a])
    with pytest.raises(InvalidParameterError, match="at least one"):
        write_report(tmp_path / "r.html", [])
