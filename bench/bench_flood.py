"""Issue 14's flood case: one address floods the run endpoint without cookies while a signed-in
style learner on another address keeps running. Reports how many flood requests were accepted
and refused, and the learner's latency quiet and under the flood (`make bench BENCH=flood`).

The site runs with its default per-address limits behind one trusted proxy
(TRUSTED_PROXY_COUNT=1), so X-Forwarded-For gives each party its own address on loopback.
"""

import threading
import time

from bench.bench_sandbox import PRINT_CELL, SETUP_CELL, Site, Visitor, fmt, summary

FLOOD_THREADS = 6
FLOOD_SECONDS = 15.0
# The paced flood: ten times the address's run budget (600 a minute). The unpaced one sends as
# fast as six threads on this same 2-core machine can, so it also measures CPU contention with
# the attacker itself, which only a limit in front of the site (nginx limit_req) can remove.
PACED_PER_SECOND = 100
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


def _flood(site: Site, stop_at: float, counts: dict, lock: threading.Lock, gap: float) -> None:
    """The issue's attack: keep the CSRF cookie, drop the session cookie on every request."""
    attacker = AddressedVisitor(site, ATTACKER).start()
    while time.perf_counter() < stop_at:
        attacker.cookies.pop("sessionid", None)
        status, _ = attacker.post_run('print("x")')
        with lock:
            counts[status] = counts.get(status, 0) + 1
        if gap:
            time.sleep(gap)


def _under_flood(site: Site, learner: "AddressedVisitor", per_second: int | None) -> dict:
    counts: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + FLOOD_SECONDS
    gap = FLOOD_THREADS / per_second if per_second else 0.0
    threads = [
        threading.Thread(target=_flood, args=(site, stop_at, counts, lock, gap))
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
    return {"loaded": loaded, "counts": counts}


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
        paced = _under_flood(site, learner, PACED_PER_SECOND)
        unpaced = _under_flood(site, learner, None)
        kept = learner.run("print(mine)", cell="pixels")["outputs"][0]["text"].strip() == "42"
        kernels = site.runner_call({"op": "status"})[0]["kernels"]
    finally:
        site.stop()
    return {"quiet": quiet, "paced": paced, "unpaced": unpaced, "kept": kept, "kernels": kernels}


def report(result: dict) -> str:
    quiet50, quiet95 = summary(result["quiet"])
    rows = []
    for name, label in (("paced", f"{PACED_PER_SECOND} requests/s"), ("unpaced", "unpaced")):
        flood = result[name]
        counts = flood["counts"]
        load50, load95 = summary(flood["loaded"])
        others = sum(n for s, n in counts.items() if s not in (200, 429))
        rows.append(
            f"| {label} | {counts.get(200, 0)} | {counts.get(429, 0)} | {others} | "
            f"{fmt(load50)} / {fmt(load95)} | {load95 / quiet95:.1f}× |"
        )
    return "\n".join(
        [
            "## Flood from one address (defaults for the limits per address)",
            "",
            f"{FLOOD_THREADS} threads sent runs from one address for {FLOOD_SECONDS:g} s each "
            "time, keeping the CSRF cookie and dropping the session cookie on every request, while "
            "a learner on another address ran a print cell every half second. Paced: "
            f"{PACED_PER_SECOND} requests/s in all (ten times the address's run budget); unpaced: "
            "as fast as the threads can on this same machine. Noisy on a shared machine.",
            "",
            f"Learner's latency quiet, p50 / p95: {fmt(quiet50)} / {fmt(quiet95)} ms.",
            "",
            "| flood | accepted (200) | refused (429) | other | learner p50 / p95 (ms) | "
            "p95 ÷ quiet p95 |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Kernels on the runner afterwards: {result['kernels']}; the learner kept their "
            f"variables: {'yes' if result['kept'] else 'NO'}.",
            "",
        ]
    )


def main() -> None:
    print(report(bench_flood()))


if __name__ == "__main__":
    main()
