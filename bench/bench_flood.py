"""Issue 14's flood case: one address floods the run endpoint without cookies while a signed-in
style learner on another address keeps running. Reports how many flood requests were accepted
and refused, and the learner's latency quiet and under the flood (`make bench BENCH=flood`).

The site runs with its default per-address limits behind one trusted proxy
(TRUSTED_PROXY_COUNT=1), so X-Forwarded-For gives each party its own address on loopback.
"""

import json
import statistics
import threading
import time

from bench.bench_sandbox import PRINT_CELL, RUN_PATH, SETUP_CELL, Site, Visitor, fmt, summary

FLOOD_THREADS = 6
FLOOD_SECONDS = 15.0
QUIET_RUNS = 40
ATTACKER = "203.0.113.66"
LEARNER = "198.51.100.7"


class AddressedVisitor(Visitor):
    """A browser behind the trusted proxy, at `address`."""

    def __init__(self, site: Site, address: str):
        super().__init__(site)
        self.address = address

    def _request(self, method: str, path: str, body: bytes | None = None, headers=None):
        return super()._request(
            method, path, body, {**(headers or {}), "X-Forwarded-For": self.address}
        )

    def post_run(self, code: str, cell: str = "pixels") -> int:
        body = json.dumps({"cell": cell, "code": code}).encode()
        status, _ = self._request(
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
        return status


def _flood(site: Site, stop_at: float, counts: dict, lock: threading.Lock) -> None:
    while time.perf_counter() < stop_at:
        status = AddressedVisitor(site, ATTACKER).start().post_run('print("x")')  # no session
        with lock:
            counts[status] = counts.get(status, 0) + 1


def bench_flood() -> dict:
    site = Site()
    site.env.update(
        {
            "TRUSTED_PROXY_COUNT": "1",
            "SANDBOX_ALLOW_PARTIAL_ISOLATION": "true",  # the addresses are not loopback
            "SANDBOX_RUNS_PER_MINUTE": "120",
        }
    )
    for name in (
        "SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS",
        "SANDBOX_NEW_KERNELS_PER_ADDRESS",
        "SANDBOX_NEW_SESSIONS_PER_ADDRESS",
    ):
        site.env.pop(name, None)  # the defaults
    try:
        site.start()
        learner = AddressedVisitor(site, LEARNER).start()
        learner.run(SETUP_CELL + "\nmine = 42", cell="setup")
        quiet = [learner.timed_run(PRINT_CELL) for _ in range(QUIET_RUNS)]
        counts: dict[int, int] = {}
        lock = threading.Lock()
        stop_at = time.perf_counter() + FLOOD_SECONDS
        threads = [
            threading.Thread(target=_flood, args=(site, stop_at, counts, lock))
            for _ in range(FLOOD_THREADS)
        ]
        for thread in threads:
            thread.start()
        loaded = []
        while time.perf_counter() < stop_at:
            loaded.append(learner.timed_run(PRINT_CELL))
            time.sleep(0.5)  # a learner's pace, not a benchmark's: stay under 120 a minute
        for thread in threads:
            thread.join()
        kept = learner.run("print(mine)", cell="pixels")["outputs"][0]["text"].strip() == "42"
        kernels = site.runner_call({"op": "status"})[0]["kernels"]
    finally:
        site.stop()
    return {"quiet": quiet, "loaded": loaded, "counts": counts, "kept": kept, "kernels": kernels}


def report(result: dict) -> str:
    quiet50, quiet95 = summary(result["quiet"])
    load50, load95 = summary(result["loaded"])
    counts = result["counts"]
    return "\n".join(
        [
            "## Flood from one address (defaults for the limits per address)",
            "",
            f"{FLOOD_THREADS} threads sent cookie-less runs from one address for "
            f"{FLOOD_SECONDS:g} s while a learner on another address ran a print cell every "
            "half second. Noisy on a shared machine.",
            "",
            "| measurement | value |",
            "| --- | ---: |",
            f"| flood requests accepted (200) | {counts.get(200, 0)} |",
            f"| flood requests refused (429) | {counts.get(429, 0)} |",
            f"| other answers | {sum(n for s, n in counts.items() if s not in (200, 429))} |",
            f"| kernels on the runner afterwards | {result['kernels']} |",
            f"| learner's latency quiet, p50 / p95 (ms) | {fmt(quiet50)} / {fmt(quiet95)} |",
            f"| learner's latency under the flood, p50 / p95 (ms) | {fmt(load50)} / "
            f"{fmt(load95)} |",
            f"| p95 under the flood ÷ quiet p95 | {load95 / quiet95:.1f}× |",
            f"| learner kept their variables | {'yes' if result['kept'] else 'NO'} |",
            f"| learner runs under the flood | {len(result['loaded'])} "
            f"(median {fmt(statistics.median(result['loaded']))} ms) |",
            "",
        ]
    )


def main() -> None:
    print(report(bench_flood()))


if __name__ == "__main__":
    main()
