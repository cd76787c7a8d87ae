"""PDF report: the HTML report rendered by weasyprint (same sections, A4)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..exceptions import MissingDependencyError

__all__ = ["html_to_pdf"]

logger = logging.getLogger("clonus")


def html_to_pdf(html: str, out_path: str | Path | None = None) -> bytes:
    """Render report HTML to PDF with weasyprint.

    Parameters
    ----------
    html : str
        Output of :func:`clonus.report.render_html` (self-contained: no external resources).
    out_path : str or Path, optional
        Also write the PDF there.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    MissingDependencyError
        weasyprint (or its system library pango) is not installed.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise MissingDependencyError(
            "PDF reports need weasyprint and the pango library: pip install 'clonus[report]' "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0). Or write an .html report."
        ) from exc
    pdf = weasyprint.HTML(string=html).write_pdf()
    if out_path is not None:
        Path(out_path).write_bytes(pdf)
    logger.info("rendered PDF report (%d bytes)", len(pdf))
    return pdf
