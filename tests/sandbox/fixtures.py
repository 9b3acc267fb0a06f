"""A real sandbox runner for tests: `sandbox_runner` (one per test session, on a private
socket, with short limits so limit tests are quick) and `start_runner` for tests that need
their own (culling, several hosts). No mocks: these start `python -m sandbox serve`."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from sandbox import protocol

CONTENT = Path(__file__).parent / "content"
TRACK = "brains-decision-committee"
PART = "01-the-first-neuron"

# Short limits, so a limit test is quick; but the wall-clock limit stays ten times the CPU limit,
# so that a cell spinning on a machine whose cores are busy with other work still meets its CPU
# limit first. Tests of the wall-clock limit start their own runner (`short_wall_runner`).
TEST_LIMITS = {
    "SANDBOX_CPU_SECONDS": "2",
    "SANDBOX_WALL_SECONDS": "20",
    "SANDBOX_MEMORY_MB": "384",
    "SANDBOX_OUTPUT_BYTES": str(256 * 1024),
    "SANDBOX_MAX_FIGURES": "10",
    "SANDBOX_KERNELS_PER_VISITOR": "3",
    "SANDBOX_MAX_KERNELS": "64",
    "SANDBOX_IDLE_SECONDS": "600",
    "SANDBOX_MIN_FREE_MB": "256",
    # Every test visitor comes from 127.0.0.1: the per-address cap and the protection of
    # recently used kernels have their own tests (test_eviction.py) on runners of their own.
    "SANDBOX_KERNELS_PER_CLIENT": "64",
    "SANDBOX_RECENT_SECONDS": "1",
}


UID_BASES = 1_600_000_000
UID_RANGE = 4096  # more than twice any test runner's max_kernels
UID_RANGES = 500_000


@dataclass
class Runner:
    process: subprocess.Popen
    socket_path: Path | None
    address: str
    log_path: Path
    uid_base: int

    def call(self, payload: dict) -> list[dict]:
        """Send one raw request to the runner; every frame it answers."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket_path))
            protocol.send(sock, payload)
            frames = []
            while (frame := protocol.recv(sock)) is not None:
                frames.append(frame)
            return frames

    def status(self) -> dict:
        return self.call({"op": "status"})[0]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def launch(directory: Path, *, listen: str | None = None, token: str = "", **limits) -> Runner:
    """Start a runner with TEST_LIMITS (overridden by `limits`) and wait until it is ready."""
    directory.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    env.update(TEST_LIMITS)
    # Each runner its own range of kernel uids, so that counting processes by uid sees only
    # this runner's kernels even when other runners (other test sessions) share the machine.
    env["SANDBOX_UID_BASE"] = str(UID_BASES + random.randrange(UID_RANGES) * UID_RANGE)
    env.update({f"SANDBOX_{k.upper()}": str(v) for k, v in limits.items()})
    args = [sys.executable, "-m", "sandbox", "serve", "--state-dir", str(directory / "state")]
    args.append("--die-with-parent")
    socket_path = directory / "runner.sock"
    args += ["--socket", str(socket_path)]
    if listen:
        token_file = directory / "token"
        token_file.write_text(token)
        args += ["--listen", listen, "--token-file", str(token_file)]
    log_path = directory / "runner.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            args,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    line = process.stdout.readline()
    if '"ready": true' not in line:
        process.kill()
        raise RuntimeError(f"the runner did not start:\n{log_path.read_text()}")
    address = f"tcp://{listen}" if listen else f"unix://{socket_path}"
    return Runner(process, socket_path, address, log_path, int(env["SANDBOX_UID_BASE"]))


@pytest.fixture(scope="session")
def sandbox_runner(tmp_path_factory):
    """One real runner for the whole session."""
    runner = launch(tmp_path_factory.mktemp("sandbox"))
    yield runner
    runner.stop()


@pytest.fixture
def start_runner(tmp_path_factory):
    """Start extra runners (stopped after the test): start_runner(idle_seconds=2)."""
    started: list[Runner] = []

    def start(**options) -> Runner:
        runner = launch(tmp_path_factory.mktemp("runner"), **options)
        started.append(runner)
        return runner

    yield start
    for runner in started:
        runner.stop()


@pytest.fixture
def short_wall_runner(settings, start_runner):
    """A runner whose wall-clock limit (3 s) is far below its CPU limit, used by the site in
    this test: a sleeping cell then always meets the wall-clock limit, however busy the host."""
    runner = start_runner(wall_seconds=3, cpu_seconds=120)
    settings.SANDBOX_SOCKET = runner.socket_path
    settings.SANDBOX_WALL_SECONDS = 3
    settings.SANDBOX_CPU_SECONDS = 120
    return runner


@pytest.fixture
def sandbox(settings, sandbox_runner):
    """Site settings that use the session's runner and the fixture lesson."""
    settings.SANDBOX_SOCKET = sandbox_runner.socket_path
    settings.SANDBOX_RUNNERS = []
    settings.LESSONS_DIR = CONTENT
    # Member ids repeat between tests (rolled back): keep each test's kernels its own.
    settings.SANDBOX_KERNEL_NAMESPACE = uuid.uuid4().hex
    for name, value in TEST_LIMITS.items():
        setattr(settings, name, int(value))
    return sandbox_runner


def wait_until(condition, timeout: float = 60.0, interval: float = 0.1):
    """Poll until condition() is truthy (for things that happen in the background). The timeout
    is only an upper bound for a hung test: a busy host may take long, the test never asserts it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
