"""Starts moto's server on a loopback port with the trust-policy patch applied.

Usage: python3 server.py [--port PORT]   (PORT 0, the default, picks a free port)

The first line on stdout is ``READY <port> <pid> <python executable>`` once the socket
listens; the test environment (test/env/moto.ts) waits for it. The server exits when its
standard input reaches end of file, so it cannot outlive the process that started it,
and on SIGTERM/SIGINT. Exit code 3 means a missing or unsupported moto.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

INSTALL_HINT = "pip install 'moto[server]==5.2.1'"
EXIT_MISSING_MOTO = 3


def _exit_when_stdin_closes() -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--keep-stdin",
        action="store_true",
        help="do not exit when stdin closes (for running by hand in the background)",
    )
    args = parser.parse_args()

    # The patch module sits next to this file; leave no __pycache__ in the source tree.
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        from werkzeug.serving import make_server

        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    except ImportError as error:
        sys.stderr.write(f"moto's server is not importable by {sys.executable} ({error}): {INSTALL_HINT}\n")
        sys.exit(EXIT_MISSING_MOTO)

    import trust_policy_patch

    try:
        patched = trust_policy_patch.apply()
    except RuntimeError as error:
        sys.stderr.write(f"{error}\n")
        sys.exit(EXIT_MISSING_MOTO)

    # Request lines would fill the pipe nobody reads; keep warnings and errors.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    port = server.server_port
    # moto builds some URLs (e.g. S3 presigned) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)

    def stop(_signum: int, _frame: object) -> None:
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.keep_stdin:
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()

    for name in patched:
        sys.stderr.write(f"patched {name}\n")
    sys.stdout.write(f"READY {port} {os.getpid()} {sys.executable}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
