"""The HTML report in headless Chromium (Debian chromium via Playwright): no console errors, the
signal plot and the grades table are visible, and a screenshot is taken."""

from __future__ import annotations

import shutil

import pytest
from _report_helpers import make_assessment

from clonus.clinical import ClinicalContext
from clonus.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# dependencies.md §7: use Debian's Chromium, never `playwright install`.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium); browser test skipped")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def test_report_renders_in_chromium(browser, tmp_path):
    a = make_assessment(n_beats=10, sustained=True)
    ctx = ClinicalContext.from_dict(
        {
            "subject_code": "P-3",
            "onset": "new",
            "medications": ["fentanyl"],
            "signs": {"diaphoresis": True},
        }
    )
    path = write_report(tmp_path / "report.html", [a], context=ctx)
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert errors == [] and failed == []
    plot = page.locator("img.plot-signal")
    assert plot.is_visible()
    # the PNG decoded: natural size is the matplotlib figure size (8 x 2.6 in at 100 dpi)
    assert plot.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [
        True,
        800,
        260,
    ]
    grades = page.locator("table.grades").first
    assert grades.is_visible()
    assert "scats_clonus" in grades.inner_text()
    assert page.locator("#urgent-banner").is_visible()
    # The painted plot shows the red beat markers (#c00000) and the grades row is on screen.
    import io

    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(plot.screenshot()), format="png")
    red = (img[..., 0] > 0.6) & (img[..., 1] < 0.2) & (img[..., 2] < 0.2)
    assert red.sum() > 50
    shot = tmp_path / "report.png"
    plot.scroll_into_view_if_needed()
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
