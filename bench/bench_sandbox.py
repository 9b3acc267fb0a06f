"""Benchmark of the code sandbox against what a user would otherwise pick.

Run with `python -m bench.bench_sandbox` (or `make bench`). In one process, on this machine:

- the site served by gunicorn on a free loopback port, with a real runner behind it; every
  sandbox timing is end to end through POST …/run over HTTP (JSON answer);
- a fresh `python` subprocess per run, and a Jupyter kernel (jupyter_client + ipykernel);
- private memory of idle kernels, 200 idle kernels at once, and runs per second with 20
  concurrent visitors.

Prints Markdown tables (medians, p95, ratios). Timings on a shared machine are noisy.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox import protocol  # noqa: E402

TRACK = "brains-decision-committee"
PART = "01-the-first-neuron"
LESSONS = ROOT / "tests" / "sandbox" / "content"
RUN_PATH = f"/learn/{TRACK}/{PART}/run"

SETUP_CELL = 'import numpy as np\nimport matplotlib.pyplot as plt\nprint("ready")'
PRINT_CELL = 'print("hello")'
PLOT_CELL = 'x = np.linspace(0, 6, 100)\nplt.plot(x, np.sin(x))\nplt.title("A sine")\nplt.show()'
# The same plot without state, for a fresh interpreter per run.
PLOT_STANDALONE = (
    "import io\nimport numpy as np\nimport matplotlib\nmatplotlib.use('Agg')\n"
    "import matplotlib.pyplot as plt\n"
    + PLOT_CELL.replace("plt.show()", "")
    + "\nbuf = io.BytesIO()\nplt.savefig(buf, format='png', bbox_inches='tight')\n"
)
SETUP_STANDALONE = "import numpy as np\nimport matplotlib\nmatplotlib.use('Agg')\n" + (
    'import matplotlib.pyplot as plt\nprint("ready")'
)

COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", 20))
WARM_RUNS = int(os.environ.get("BENCH_WARM_RUNS", 50))
PLOT_RUNS = int(os.environ.get("BENCH_PLOT_RUNS", 30))
JUPYTER_STARTS = int(os.environ.get("BENCH_JUPYTER_STARTS", 8))
SUBPROCESS_RUNS = int(os.environ.get("BENCH_SUBPROCESS_RUNS", 10))
IDLE_KERNELS = int(os.environ.get("BENCH_IDLE_KERNELS", 200))
VISITORS = 20
THROUGHPUT_SECONDS = float(os.environ.get("BENCH_THROUGHPUT_SECONDS", 10))
UID_BASE = 1_500_000_000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """gunicorn serving the site on loopback, a runner behind it, a throwaway database."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="agw-bench-"))
        self.port = free_port()
        self.socket_path = self.dir / "runner.sock"
        self.env = {
            **os.environ,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-a-secret"),
            "DJANGO_DEBUG": "false",
            "DJANGO_SECURE": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{self.dir / 'bench.sqlite3'}",
            "LESSONS_DIR": str(LESSONS),
            "SANDBOX_SOCKET": str(self.socket_path),
            "SANDBOX_RUNS_PER_MINUTE": "1000000",
            # One address (loopback) stands for every visitor here: no limits per address.
            "SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS": "1000000",
            "SANDBOX_NEW_KERNELS_PER_ADDRESS": "1000000",
            "SANDBOX_NEW_SESSIONS_PER_ADDRESS": "1000000",
            "SANDBOX_KERNELS_PER_VISITOR": "3",
            "SANDBOX_MAX_KERNELS": str(IDLE_KERNELS + 100),
        }
        self.env.pop("SANDBOX_RUNNERS", None)
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        python = sys.executable
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=self.env, check=True)
        runner_env = {
            key: value
            for key, value in self.env.items()
            if key.startswith("SANDBOX_") or key in ("PATH", "LANG")
        }
        runner = subprocess.Popen(
            [
                python,
                "-m",
                "sandbox",
                "serve",
                "--socket",
                str(self.socket_path),
                "--state-dir",
                str(ROOT / "var" / "sandbox"),  # reuse the matplotlib font cache
                "--die-with-parent",
            ],
            cwd=ROOT,
            env=runner_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.processes.append(runner)
        line = runner.stdout.readline()
        if '"ready": true' not in line:
            raise SystemExit("the runner did not start")
        self.isolation = json.loads(line)["isolation"]
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "agenticworks.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                "2",
                "--threads",
                "16",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(web)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                Visitor(self).start()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def runner_call(self, payload: dict) -> list[dict]:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.socket_path))
            protocol.send(sock, payload)
            frames = []
            while (frame := protocol.recv(sock)) is not None:
                frames.append(frame)
            return frames


class Visitor:
    """A browser: cookies, a CSRF token, one persistent HTTP connection."""

    def __init__(self, site: Site):
        self.site = site
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)

    def _request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def start(self) -> "Visitor":
        # Django accepts a well-formed CSRF cookie chosen by the browser; the header must match.
        self.cookies["csrftoken"] = uuid.uuid4().hex
        status, _ = self._request("GET", RUN_PATH)  # 405, but it shows the site is up
        if status != 405:
            raise OSError(f"the site answered HTTP {status}")
        return self

    def post_run(self, code: str, cell: str = "pixels") -> tuple[int, bytes]:
        """POST one run as the page does; the HTTP status and the raw answer."""
        body = json.dumps({"cell": cell, "code": code}).encode()
        return self._request(
            "POST",
            RUN_PATH,
            body,
            {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.cookies["csrftoken"],
                "Referer": f"http://127.0.0.1:{self.site.port}/",
            },
        )

    def run(self, code: str, cell: str = "pixels") -> dict:
        status, data = self.post_run(code, cell)
        answer = json.loads(data)
        if status != 200 or answer.get("status") != "ok":
            raise RuntimeError(f"run failed ({status}): {answer.get('message')}")
        return answer

    def timed_run(self, code: str, cell: str = "pixels") -> float:
        started = time.perf_counter()
        self.run(code, cell)
        return (time.perf_counter() - started) * 1000


# -- the sandbox ----------------------------------------------------------------------------
def bench_sandbox(site: Site) -> dict:
    results: dict[str, list[float]] = {"cold": [], "print": [], "plot": []}
    for _ in range(COLD_RUNS):
        visitor = Visitor(site).start()
        results["cold"].append(visitor.timed_run(SETUP_CELL, cell="setup"))
    visitor = Visitor(site).start()
    visitor.run(SETUP_CELL, cell="setup")
    for _ in range(5):
        visitor.run(PRINT_CELL)
    results["print"] = [visitor.timed_run(PRINT_CELL) for _ in range(WARM_RUNS)]
    for _ in range(3):
        visitor.run(PLOT_CELL, cell="plot")
    results["plot"] = [visitor.timed_run(PLOT_CELL, cell="plot") for _ in range(PLOT_RUNS)]
    # The kernel that drew the plots is the largest one now.
    results["after_plots"] = [
        max((private_mib(pid) for pid in kernel_pids()), default=float("nan"))
    ]
    return results


# -- a fresh python per run -----------------------------------------------------------------
def bench_subprocess() -> dict:
    env = {"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    env["MPLCONFIGDIR"] = str(ROOT / "var" / "sandbox" / "matplotlib")

    def timed(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
        return (time.perf_counter() - started) * 1000

    timed(SETUP_STANDALONE)  # warm the page cache
    return {
        "cold": [timed(SETUP_STANDALONE) for _ in range(SUBPROCESS_RUNS)],
        "print": [timed(PRINT_CELL) for _ in range(SUBPROCESS_RUNS)],
        "plot": [timed(PLOT_STANDALONE) for _ in range(SUBPROCESS_RUNS)],
    }


# -- a Jupyter kernel -----------------------------------------------------------------------
def bench_jupyter() -> dict | None:
    try:
        from jupyter_client.manager import KernelManager
    except ImportError:
        return None
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    env["MPLCONFIGDIR"] = str(ROOT / "var" / "sandbox" / "matplotlib")

    def execute(client, code: str) -> float:
        started = time.perf_counter()
        reply = client.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"Jupyter cell failed: {reply['content']}")
        return (time.perf_counter() - started) * 1000

    def start():
        manager = KernelManager(kernel_name="python3")
        manager.kernel_cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        manager.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        return manager, client

    cold, memory = [], []
    for _ in range(JUPYTER_STARTS):
        started = time.perf_counter()
        manager, client = start()
        execute(client, SETUP_CELL)
        cold.append((time.perf_counter() - started) * 1000)
        memory.append(private_mib(manager.provisioner.process.pid))
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    manager, client = start()
    execute(client, SETUP_CELL)
    for _ in range(5):
        execute(client, PRINT_CELL)
    printed = [execute(client, PRINT_CELL) for _ in range(WARM_RUNS)]
    for _ in range(3):
        execute(client, PLOT_CELL)
    plotted = [execute(client, PLOT_CELL) for _ in range(PLOT_RUNS)]
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return {"cold": cold, "print": printed, "plot": plotted, "memory": memory}


# -- memory and concurrency -----------------------------------------------------------------
def private_mib(pid: int) -> float:
    """Private (not shared) memory of a process, from smaps_rollup."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    except OSError:
        return float("nan")
    return total / 1024


def kernel_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                uid = next(line for line in fh if line.startswith("Uid:")).split()[1]
        except (OSError, StopIteration):
            continue
        if int(uid) >= UID_BASE:
            pids.append(int(entry))
    return pids


def mem_available_mib() -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_idle_kernels(site: Site) -> dict:
    site.runner_call({"op": "status"})
    before_pids = set(kernel_pids())
    before = mem_available_mib()
    started = time.perf_counter()
    for n in range(IDLE_KERNELS):
        frames = site.runner_call(
            {
                "op": "run",
                "kernel": f"bench-idle-{n}-{uuid.uuid4().hex[:8]}",
                "owner": f"bench-owner-{n}",
                "code": SETUP_CELL,
            }
        )
        if frames[-1].get("status") != "ok":
            raise RuntimeError(f"kernel {n} failed: {frames[-1]}")
    elapsed = time.perf_counter() - started
    time.sleep(1)
    status = site.runner_call({"op": "status"})[0]
    new = [pid for pid in kernel_pids() if pid not in before_pids]
    private = [private_mib(pid) for pid in new]
    return {
        "kernels": status["kernels"],
        "asked": IDLE_KERNELS,
        "measured": len(new),
        "private": private,
        "available_drop": before - mem_available_mib(),
        "start_seconds": elapsed,
    }


def bench_throughput(site: Site) -> dict:
    visitors = [Visitor(site).start() for _ in range(VISITORS)]
    for visitor in visitors:
        visitor.run(SETUP_CELL, cell="setup")
    counts = [0] * VISITORS
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + THROUGHPUT_SECONDS

    def work(index: int) -> None:
        while time.perf_counter() < stop_at:
            took = visitors[index].timed_run(PRINT_CELL)
            with lock:
                counts[index] += 1
                latencies.append(took)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(VISITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"runs_per_second": sum(counts) / elapsed, "latency": latencies}


# -- report ---------------------------------------------------------------------------------
def fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:,.1f}"


def ratio(other: list[float] | None, ours: list[float]) -> str:
    if not other:
        return "n/a"
    return f"{statistics.median(other) / statistics.median(ours):.1f}×"


def report(ours: dict, python: dict, jupyter: dict | None, idle: dict, load: dict, site) -> str:
    lines = [
        "## Sandbox: time per run (ms, end to end)",
        "",
        f"Machine: {os.cpu_count()} CPUs; runner isolation: {site.isolation}. Sandbox runs go "
        "through POST …/run over HTTP (gunicorn, JSON answer). Noisy on a shared machine.",
        "",
        "| run | sandbox p50 | sandbox p95 | fresh python p50 | fresh python p95 | "
        "Jupyter p50 | Jupyter p95 | python ÷ sandbox | Jupyter ÷ sandbox |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = {
        "cold": "cold start + first cell (setup)",
        "print": "warm print cell",
        "plot": "warm one-figure plot cell",
    }
    for key, name in names.items():
        s50, s95 = summary(ours[key])
        p50, p95 = summary(python[key])
        j50, j95 = summary(jupyter[key]) if jupyter else (float("nan"), float("nan"))
        lines.append(
            f"| {name} | {fmt(s50)} | {fmt(s95)} | {fmt(p50)} | {fmt(p95)} | {fmt(j50)} | "
            f"{fmt(j95)} | {ratio(python[key], ours[key])} | "
            f"{ratio(jupyter[key] if jupyter else None, ours[key])} |"
        )
    private = [value for value in idle["private"] if value == value]
    per_kernel = idle["available_drop"] / max(idle["asked"], 1)
    lines += [
        "",
        "## Sandbox: memory and load",
        "",
        "| measurement | value |",
        "| --- | ---: |",
        f"| private memory per idle kernel, p50 (MiB) | "
        f"{fmt(statistics.median(private)) if private else 'n/a'} |",
        f"| private memory per idle kernel, p95 (MiB) | "
        f"{fmt(percentile(private, 0.95)) if private else 'n/a'} |",
        f"| private memory of the kernel that drew {PLOT_RUNS + 3} plots (MiB) | "
        f"{fmt(ours['after_plots'][0])} |",
        f"| kernels alive at once ({idle['asked']} idle ones started for this, plus the "
        f"earlier visitors') | {idle['kernels']} |",
        f"| memory available dropped by, per idle kernel started (MiB) | {fmt(per_kernel)} |",
        f"| time to start the {idle['asked']} kernels one after another (s) | "
        f"{fmt(idle['start_seconds'])} |",
        f"| Jupyter kernel private memory after the setup cell, p50 (MiB) | "
        f"{fmt(statistics.median(jupyter['memory'])) if jupyter else 'n/a'} |",
        f"| runs per second, {VISITORS} concurrent visitors (print cell) | "
        f"{fmt(load['runs_per_second'])} |",
        f"| latency under that load, p50 / p95 (ms) | "
        f"{fmt(summary(load['latency'])[0])} / {fmt(summary(load['latency'])[1])} |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    site = Site()
    try:
        site.start()
        ours = bench_sandbox(site)
        load = bench_throughput(site)
        idle = bench_idle_kernels(site)
    finally:
        site.stop()
    python = bench_subprocess()
    jupyter = bench_jupyter()
    print(report(ours, python, jupyter, idle, load, site))


if __name__ == "__main__":
    main()
