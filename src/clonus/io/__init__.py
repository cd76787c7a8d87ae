"""Reading and writing recordings: one :func:`read` for every supported format.

The format is detected from the file's content (the extension only breaks ties). Each format
lives in its own private module that registers a :class:`Reader` in
:mod:`clonus.io._registry`; ``clonus formats`` lists them. See ``docs/formats.md``.

Reading
    :func:`read` (one sampling rate), :func:`read_all` (one recording per rate),
    :func:`list_channels`, :func:`detect_format`, :data:`FORMATS`, :func:`formats_table`
Writing (round trips, simulator output)
    :func:`write_edf`, :func:`write_wfdb`, :func:`write_c3d`, :func:`write_phyphox_zip`
Privacy
    :func:`anonymize_edf` (copy of an EDF/BDF file with identifying header fields blanked),
    :func:`anonymize_cwa` (copy of an Axivity .cwa file with its metadata area blanked),
    :func:`anonymize_moveo` (copy of an APDM Moveo joint-angle CSV with its subject fields
    blanked);
    ``read(path, anonymize=True)`` leaves them out of ``metadata``
Labels
    :func:`read_stride_labels` (gaitmap stride tables)
Long files
    :func:`summarize_cwa` (what a days-long Axivity .cwa file holds, from its first minute and
    its last blocks' times, without decoding it all); ``read(path, start_s=, duration_s=)``

Common reader options: ``units={"EMG1": "uV"}`` (or one unit for every channel) overrides a
missing or wrong unit; ``nan_policy="omit"`` drops/interpolates NaN or infinite samples instead
of raising :class:`~clonus.exceptions.FileFormatError`.
"""

from ._registry import (
    FORMATS,
    Reader,
    _load,
    detect_format,
    list_channels,
    read,
    read_all,
    register,
)

_load()

from ._c3d import write_c3d  # noqa: E402
from ._cwa import anonymize_cwa, summarize_cwa  # noqa: E402
from ._edf import anonymize_edf, write_edf  # noqa: E402
from ._gaitmap import read_stride_labels  # noqa: E402
from ._moveo import anonymize_moveo  # noqa: E402
from ._phyphox import write_phyphox_zip  # noqa: E402
from ._wfdb import write_wfdb  # noqa: E402


def formats_table() -> list[dict[str, object]]:
    """One row per reader: name, description, extensions, extra, installed.

    ``installed`` says whether the optional dependency (``extra``) can be imported.
    """
    import importlib.util

    modules = {"edf": "pyedflib", "wfdb": "wfdb", "c3d": "ezc3d", "io": "rdata", "video": "cv2",
               "h5": "h5py", "xlsx": "openpyxl"}
    rows = []
    for r in FORMATS.values():
        mod = modules.get(r.extra or "")
        installed = True if mod is None else importlib.util.find_spec(mod) is not None
        rows.append({"name": r.name, "description": r.description,
                     "extensions": list(r.extensions), "extra": r.extra, "installed": installed})
    return rows


__all__ = [
    "FORMATS",
    "Reader",
    "anonymize_cwa",
    "anonymize_edf",
    "anonymize_moveo",
    "detect_format",
    "formats_table",
    "list_channels",
    "read",
    "read_all",
    "read_stride_labels",
    "register",
    "summarize_cwa",
    "write_c3d",
    "write_edf",
    "write_phyphox_zip",
    "write_wfdb",
]
