"""Run the web app under uvicorn for the browser and crash tests.

Usage: ``python _server.py DATA_DIR PORT``. ``CLONUS_TEST_SLOW_S`` delays each analysis (to kill
the server while an upload is being processed).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    import uvicorn

    from clonus.web import Settings, create_app
    from clonus.web.analysis import analyse_file
    from clonus.web.deps import get_analyser

    data_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    slow_s = float(os.environ.get("CLONUS_TEST_SLOW_S", "0") or 0)

    def analyser(path):
        if slow_s:
            time.sleep(slow_s)
        return analyse_file(path)

    app = create_app(Settings(data_dir=data_dir, max_upload_bytes=2_000_000))
    app.dependency_overrides[get_analyser] = lambda: analyser
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
