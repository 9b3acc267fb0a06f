"""Benchmark of live controls: "control change -> new figure" end to end over HTTP.

Run with `python -m bench.bench_controls` (or `make bench BENCH=controls`). It starts the same
gunicorn + runner pair as bench_sandbox, runs the fixture experiment (tests/learn/content,
part 3, cell `threshold`: one slider, one figure) with its `# @param` line rewritten by
learn/params.py, and posts it through POST …/run as the page does (any cell id of the part can
carry custom code). Then a scripted drag: 50 value changes in 2 s through a Python port of the
page's coalescing policy (static/learn/controls.js, LiveRunner): at most one run in flight,
changes that arrive meanwhile collapse to the newest, which runs last.
"""

import base64
import os
import re
import threading
import time
from pathlib import Path

from bench.bench_sandbox import Site, Visitor, summary
from learn.params import parse_form, write_source

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "learn" / "content" / "decision-demo" / "03-voting.md"
SETUP = (
    "import numpy as np\nimport matplotlib.pyplot as plt\n\n\n"
    "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n"
)
CARRIER = "plot"  # a cell id of the bench part that carries the experiment's code
CHANGES = 50
DRAG_SECONDS = 2.0
TIMED_RUNS = 40
TARGET_P50_MS = 150


def experiment_source() -> str:
    """The `threshold` cell of the fixture part, as the page has it."""
    text = FIXTURE.read_text(encoding="utf-8")
    block = re.search(r":id: threshold\n\n(.*?)\n```", text, re.S)
    return block[1]


def slider_values(control, count: int) -> list[float]:
    """`count` slider positions, swept back and forth across the range."""
    positions = round((control.max - control.min) / control.step) + 1
    sweep = list(range(positions)) + list(range(positions - 2, 0, -1))
    return [control.min + control.step * sweep[i % len(sweep)] for i in range(count)]


def shown_value(answer: dict) -> str | None:
    """The threshold the cell printed, if the answer also holds a new figure."""
    outputs = answer.get("outputs", [])
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    if len(figures) != 1 or not base64.b64decode(figures[0]["data"]["image/png"]):
        return None
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    match = re.search(r"threshold = (\S+)", text)
    return match[1] if match else None


class Coalescer:
    """The page's LiveRunner in Python: one run in flight, the newest value runs last."""

    def __init__(self, run):
        self.run = run
        self.lock = threading.Lock()
        self.latest = None
        self.pending = False
        self.in_flight = False
        self.sent = 0
        self.shown = None
        self.idle = threading.Event()
        self.idle.set()

    def request(self, source: str) -> None:
        with self.lock:
            self.latest = source
            self.pending = True
            start = not self.in_flight
            self.in_flight = True
            self.idle.clear()
        if start:
            threading.Thread(target=self.pump, daemon=True).start()

    def pump(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    self.in_flight = False
                    self.idle.set()
                    return
                self.pending = False
                source = self.latest  # read when the run starts, like kernel.js does
            self.sent += 1
            self.shown = shown_value(self.run(source))


def bench_change_to_figure(visitor: Visitor, source: str, control) -> tuple[list, list]:
    timings, kernel = [], []
    for value in slider_values(control, TIMED_RUNS + 5):
        code = write_source(source, control, value)
        started = time.perf_counter()
        answer = visitor.run(code, cell=CARRIER)
        elapsed = (time.perf_counter() - started) * 1000
        if shown_value(answer) is None:
            raise RuntimeError("the experiment drew no figure")
        timings.append(elapsed)
        kernel.append(float(answer.get("duration_ms", "nan")))
    return timings[5:], kernel[5:]  # the first few warm the kernel's matplotlib


def bench_drag(visitor: Visitor, source: str, control) -> dict:
    coalescer = Coalescer(lambda code: visitor.run(code, cell=CARRIER))
    values = slider_values(control, CHANGES)
    started = time.perf_counter()
    for index, value in enumerate(values):
        delay = started + index * DRAG_SECONDS / CHANGES - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        coalescer.request(write_source(source, control, value))
    drag = time.perf_counter() - started
    sent_during_drag = coalescer.sent
    coalescer.idle.wait(60)
    settled = time.perf_counter() - started
    final_line = write_source(source, control, values[-1]).split("\n")[control.line - 1]
    final = final_line.split("=", 1)[1].split("#", 1)[0].strip()
    return {
        "changes": CHANGES,
        "drag_s": drag,
        "sent": coalescer.sent,
        "sent_during_drag": sent_during_drag,
        "settled_s": settled,
        "final": final,
        "shown": coalescer.shown,
    }


def report(timings: list[float], kernel: list[float], drag: dict) -> str:
    p50, p95 = summary(timings)
    kernel_p50, _ = summary(kernel)
    verdict = "meets" if p50 <= TARGET_P50_MS else "misses"
    final_ok = "yes" if drag["shown"] == drag["final"] else f"NO ({drag['shown']})"
    return "\n".join(
        [
            "### Control change -> new figure (end to end over HTTP, warm kernel)",
            "",
            "| experiment | runs | p50 | p95 | run's own duration_ms, p50 | target p50 |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            f"| fixture part 3 `threshold` (1 slider, 1 figure) | {len(timings)} | "
            f"{p50:.0f} ms | {p95:.0f} ms | {kernel_p50:.0f} ms | ≤ {TARGET_P50_MS} ms "
            f"({verdict}) |",
            "",
            f"### Scripted drag: {drag['changes']} value changes in {drag['drag_s']:.1f} s",
            "",
            "| runs sent | of which during the drag | runs per second of drag | "
            "settled after | final value | shown |",
            "| ---: | ---: | ---: | ---: | --- | --- |",
            f"| {drag['sent']} | {drag['sent_during_drag']} | "
            f"{drag['sent_during_drag'] / drag['drag_s']:.1f} | {drag['settled_s']:.2f} s | "
            f"`{drag['final']}` | {final_ok} |",
            "",
            "A run is sent only when none is in flight, so runs per second of drag is about "
            "1 / (time of one run); the value set last is always run and is what the cell shows.",
        ]
    )


def main() -> None:
    load = os.getloadavg()[0]
    source = experiment_source()
    control = next(c for c in parse_form(source).controls if c.type == "slider")
    site = Site()
    try:
        site.start()
        visitor = Visitor(site).start()
        visitor.run(SETUP, cell="setup")
        timings, kernel = bench_change_to_figure(visitor, source, control)
        drag = bench_drag(visitor, source, control)
    finally:
        site.stop()
    print(report(timings, kernel, drag))
    print(f"\nLoad average when it started: {load:.1f} on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()
