"""Command line of the runner.

  python -m sandbox serve --socket var/sandbox/runner.sock
  python -m sandbox serve --listen 10.0.0.5:7300 --token-file /etc/agenticworks/sandbox-token
  python -m sandbox status --socket var/sandbox/runner.sock

Limits come from SANDBOX_* environment variables (see config.py). The runner keeps its own
environment minimal and passes none of it to kernels.
"""

import argparse
import json
import logging
import os
import signal
import socket
import sys

from . import protocol
from .config import Limits


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("use HOST:PORT")
    return host.strip("[]"), int(port)


def _token(args) -> bytes | None:
    if args.token_file:
        with open(args.token_file, "rb") as fh:
            return fh.read().strip()
    token = os.environ.get("SANDBOX_TOKEN", "")
    return token.encode() if token else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the runner in the foreground")
    serve.add_argument("--socket", help="Unix socket to listen on")
    serve.add_argument("--socket-mode", default="600", help="octal file mode of the socket")
    serve.add_argument(
        "--socket-group", help="group that may use the socket (the site's); implies mode 660"
    )
    serve.add_argument("--listen", type=_address, help="HOST:PORT to listen on (needs a token)")
    serve.add_argument("--token-file", help="file holding the shared token for TCP clients")
    serve.add_argument("--state-dir", default="var/sandbox", help="matplotlib cache and the like")
    serve.add_argument(
        "--allow-partial-isolation",
        action="store_true",
        default=os.environ.get("SANDBOX_ALLOW_PARTIAL_ISOLATION", "").lower() in {"1", "true"},
        help="serve non-loopback clients even when some isolation layer is missing",
    )
    serve.add_argument(
        "--die-with-parent", action="store_true", help="stop when the process that started us does"
    )
    status = sub.add_parser("status", help="print a running runner's status as JSON")
    status.add_argument("--socket", required=True)
    args = parser.parse_args(argv)

    if args.command == "status":
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(args.socket)
            protocol.send(sock, {"op": "status"})
            sys.stdout.write(json.dumps(protocol.recv(sock), indent=2) + "\n")
        return 0

    if not args.socket and not args.listen:
        parser.error("give --socket, --listen or both")
    if args.die_with_parent:
        parent = os.getppid()
        from .isolation import die_with_parent

        die_with_parent(signal.SIGTERM)
        if os.getppid() != parent:
            return 0
    logging.basicConfig(
        level=os.environ.get("SANDBOX_LOG_LEVEL", "INFO"),
        format="%(asctime)s sandbox %(levelname)s %(message)s",
    )
    from .server import Runner
    from .server import serve as serve_forever

    project_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    runner = Runner(
        Limits.from_env(),
        project_dir=project_dir,
        state_dir=state_dir,
        allow_partial=args.allow_partial_isolation,
        disable=tuple(
            layer.strip()
            for layer in os.environ.get("SANDBOX_DISABLE_LAYERS", "").split(",")
            if layer.strip()
        ),
        spoil=tuple(
            layer.strip()
            for layer in os.environ.get("SANDBOX_TEST_SPOIL_LAYERS", "").split(",")
            if layer.strip()
        ),
    )
    runner.start()

    def ready() -> None:
        # Tell whoever started us that we are listening (the site and the tests wait for it).
        sys.stdout.write(json.dumps({"ready": True, "isolation": runner.isolation}) + "\n")
        sys.stdout.flush()

    serve_forever(
        runner,
        socket_path=args.socket,
        listen=args.listen,
        token=_token(args),
        socket_mode=0o660 if args.socket_group else int(args.socket_mode, 8),
        socket_group=args.socket_group,
        on_ready=ready,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
