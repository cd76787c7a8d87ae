"""Run the web app under uvicorn for the browser and crash tests.

Usage: ``python _server.py DATA_DIR FD``: serve on the listening socket inherited as file
descriptor ``FD`` (bound by the test process, see ``conftest.Server``). While the file named by
``CLONUS_TEST_HOLD_FILE`` exists, each analysis waits (up to 120 s), so a test can kill the
server while an upload is being processed.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path


def main() -> None:
    import uvicorn

    from clonus.web import Settings, create_app
    from clonus.web.analysis import analyse_file
    from clonus.web.deps import get_analyser

    data_dir, fd = Path(sys.argv[1]), int(sys.argv[2])
    hold = os.environ.get("CLONUS_TEST_HOLD_FILE") or None
    hold_file = Path(hold) if hold else None

    def analyser(path):
        if hold_file is not None:
            deadline = time.monotonic() + 120
            while hold_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return analyse_file(path)

    app = create_app(Settings(data_dir=data_dir, max_upload_bytes=2_000_000))
    app.dependency_overrides[get_analyser] = lambda: analyser
    sock = socket.socket(fileno=fd)  # family and type are read from the descriptor
    config = uvicorn.Config(app, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
