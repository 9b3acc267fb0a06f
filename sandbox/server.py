"""The runner: one kernel per (learner, part), limits, and the socket the site talks to.

Requests (one per connection; frames as in protocol.py):

  {"op": "run", "kernel": id, "owner": id, "code": str, "filename": str, "cell": str,
   "names": {"LEARNER_NAME": str}, "tier": "member" | "visitor", "client": address key,
   "hold_if_new": bool, "require_full": bool}   (a missing tier is a visitor's; a missing
   client is unknown)
      → {"t": "state", "state": "starting" | "busy"}, {"t": "output", "output": {...}}…,
        then {"t": "result", "status": "ok" | "error" | "limit", ...}; with "hold_if_new", a
        run that had to start a new kernel answers {"t": "result", "status": "held", "reason"}
        without running the code (the site replays the learner's cells first)
  {"op": "check", ...as run..., "check": {"source": str, "library": str}}
      → as run; after code that ran without error the kernel runs the check in a namespace of
        its own and the result carries "verdict": {"status": "pass" | "fail" | "crashed" |
        "interrupted", "message": str, "detail": str} (null when the check did not run)
  {"op": "restart" | "interrupt" | "shutdown", "kernel": id} → {"t": "kernel", "state": ...}
  {"op": "inspect", "kernel": id, "owner": id} → {"t": "inspect", "state": ..., "variables": [...]}
      (names, types, shapes and small scalar values of the owner's kernel, for the tutor)
  {"op": "status"} → {"t": "status", "isolation": ..., "layers": [...], "kernels": n,
                      "cgroups": {...}, "landlock_abi": n, "partial_kernels": n, ...}

Over TCP the runner first sends {"challenge": hex} and every request carries
"auth": HMAC-SHA256(token, challenge). Everything a kernel sends is untrusted: sizes, counts and
types are checked here, PNGs must be PNGs, and a kernel that breaks the protocol is killed.
"""

import base64
import binascii
import contextlib
import hmac
import ipaddress
import json
import logging
import os
import select
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from . import cgroups, isolation, protocol
from .config import MIB, Limits
from .kernel import png_ok

log = logging.getLogger("sandbox")

KERNEL_FRAME = 4 * MIB  # the largest frame a kernel may send (a PNG in base64 fits)
INTERRUPT_GRACE = 2.0  # seconds a kernel gets to stop after SIGINT before it is killed
POLL = 0.05
TOMBSTONES = 20_000  # kernels remembered after they stopped, to explain it to the learner
ERROR_CHARS = 64 * 1024
DEBUG_CHARS = 16 * 1024  # the shape debugger's findings of one error
INSPECT_SECONDS = 2.0  # how long a kernel gets to list its variables
INSPECT_NAMES = 100

# Why a kernel was taken away while idle, in words for the learner: "Your previous kernel was …".
GONE = {
    "idle": "culled after {idle_limit}",
    "evicted": "evicted to make room for other learners while idle for {idle_for}",
    "memory-short": "evicted because the server was short of memory, while idle for {idle_for}",
    "visitor-limit": "stopped because you had more than {kernels_per_visitor} lessons open at once",
    "client-limit": "stopped because more than {kernels_per_client} kernels were open from your "
    "network address",
}

# Why a kernel stopped, in words for the learner.
REASONS = {
    "idle": "it was idle for more than {idle_minutes} minutes",
    "evicted": "the server needed room for other learners",
    "visitor-limit": "you had more than {kernels_per_visitor} lessons open at once",
    "crashed": "it stopped unexpectedly",
    "background": "code left running in the background used more than {cpu_seconds:g} s of CPU",
    "protocol": "it sent something the runner could not read",
    "restart": "you restarted it",
    "cpu": "the cell used more than {cpu_seconds:g} s of CPU time",
    "wall": "the cell ran for more than {wall_seconds:g} s",
    "interrupt": "it did not stop when interrupted",
    "memory": "it ran out of memory",
}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return 0.0
    fields_ = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


def _mem_available_mb() -> float | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _pid_from_pidfd(pidfd: int, default: int) -> int:
    """The process id as this process sees it (the zygote lives in its own PID namespace)."""
    try:
        with open(f"/proc/self/fdinfo/{pidfd}") as fh:
            for line in fh:
                if line.startswith("Pid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return default


@dataclass(eq=False)
class Kernel:
    kid: str
    owner: str
    slot: int
    pid: int
    pidfd: int
    sock: socket.socket
    out_fd: int
    layers: list[str]
    created: float = field(default_factory=time.monotonic)
    last_used: float = field(default_factory=time.monotonic)
    busy: bool = False
    interrupt_at: float | None = None  # when an interrupt was asked for, during a run
    idle_cpu: float = 0.0  # CPU seconds when the last run ended
    cells: list[str] = field(default_factory=list)  # cells that ran without error, in order
    tier: str = "visitor"  # "member" (signed in) or "visitor"
    client: str = ""  # the learner's address key (IPv4 address or IPv6 /64), "" if unknown
    notes: dict = field(default_factory=dict)  # why a layer failed, the Landlock ABI
    dead: bool = False
    restarted: bool = False  # the learner restarted it while a cell ran

    def alive(self) -> bool:
        if self.dead:
            return False
        if self.pidfd >= 0:
            readable, _, _ = select.select([self.pidfd], [], [], 0)
            return not readable
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def signal(self, signum: int) -> None:
        with contextlib.suppress(OSError):
            if self.pidfd >= 0:
                signal.pidfd_send_signal(self.pidfd, signum)
            else:
                os.kill(self.pid, signum)

    def close(self) -> None:
        self.dead = True
        with contextlib.suppress(OSError):
            self.sock.close()
        for fd in (self.out_fd, self.pidfd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.out_fd = self.pidfd = -1


class StartError(Exception):
    """A kernel could not be started (the message says why, for the learner)."""


class Runner:
    """Kernels by id, the zygote that forks them, and the limits they run under."""

    def __init__(
        self,
        limits: Limits,
        *,
        project_dir: str,
        state_dir: str,
        allow_partial: bool = False,
        disable: tuple[str, ...] = (),
        spoil: tuple[str, ...] = (),
    ):
        self.limits = limits
        self.disable = tuple(layer for layer in disable if layer in isolation.OPTIONAL_LAYERS)
        # Test hook (SANDBOX_TEST_SPOIL_LAYERS): layers left out of every kernel but the start-up
        # probe, to show that each kernel reports its own layers.
        self.spoil = tuple(layer for layer in spoil if layer in isolation.OPTIONAL_LAYERS)
        self.project_dir = project_dir
        self.state_dir = state_dir
        self.allow_partial = allow_partial
        self.kernels: dict[str, Kernel] = {}
        self.starting: set[str] = set()  # kernel ids being started: a second request waits
        self.tombstones: OrderedDict[str, dict] = OrderedDict()
        self.lock = threading.RLock()
        self.zygote_lock = threading.Lock()
        self.free_slots = list(range(limits.max_kernels * 2, 0, -1))
        self.layers: list[str] = []
        self.plan: dict = {}
        self.stopping = threading.Event()
        self.zygote: subprocess.Popen | None = None
        self.zygote_sock: socket.socket | None = None
        self.root_dir = tempfile.mkdtemp(prefix="agw-sandbox-root-")
        self.can_prlimit = os.geteuid() == 0 and hasattr(__import__("resource"), "prlimit")
        self.cgroups = cgroups.Cgroups(
            cgroups.Settings(
                kernel_memory_mb=limits.kernel_memory_mb,
                total_memory_mb=limits.cgroup_total_mb,
                kernel_pids=limits.cgroup_pids or limits.threads,
                total_pids=limits.max_kernels * (limits.cgroup_pids or limits.threads) + 64,
                cpu_shares=limits.cpu_shares,
            )
        )
        self.notes: dict = {}

    # -- zygote -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the warm parent and probe which isolation layers a kernel really gets."""
        if "cgroup" in self.disable:
            self.cgroups.error = "disabled by the operator"
        elif not self.cgroups.setup():
            log.warning("kernels get no cgroup: %s", self.cgroups.error)
        self._start_zygote()
        probe = self._spawn(kid="probe", owner="runner", names={})
        self.layers = probe.layers
        self.notes = probe.notes
        self._kill(probe)
        threading.Thread(target=self._watchdog, name="watchdog", daemon=True).start()
        log.info(
            "sandbox runner ready: isolation %s (%s); missing: %s",
            self.isolation,
            ", ".join(self.layers),
            ", ".join(isolation.missing_layers(self.layers)) or "nothing",
        )

    def _start_zygote(self) -> None:
        ours, theirs = socket.socketpair()
        mpl = os.path.join(self.state_dir, "matplotlib")
        os.makedirs(mpl, mode=0o700, exist_ok=True)
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/nonexistent",
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.zygote = subprocess.Popen(
            [
                sys.executable,
                "-s",
                "-m",
                "sandbox.zygote",
                str(theirs.fileno()),
            ],
            cwd=self.project_dir,
            env=env,
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        protocol.send(
            ours,
            {"root_dir": self.root_dir, "project_dir": self.project_dir, "mpl_dir": mpl},
        )
        ours.settimeout(120)
        hello = protocol.recv(ours)
        ours.settimeout(None)
        if not hello or not hello.get("ok"):
            raise RuntimeError(f"the zygote did not start: {hello}")
        self.plan = hello.get("plan", {})
        self.plan["pid_namespace"] = hello.get("pid_namespace")
        self.plan["warm_seconds"] = hello.get("warm_seconds")
        self.zygote_sock = ours

    def stop(self) -> None:
        self.stopping.set()
        with self.lock:
            kernels = list(self.kernels.values())
            self.kernels.clear()
        for kernel in kernels:
            self._kill(kernel, wait=False)
        if self.zygote is not None:
            with contextlib.suppress(OSError):
                self.zygote.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.zygote.wait(5)
        with contextlib.suppress(OSError):
            os.rmdir(self.root_dir)
        shutil.rmtree(os.path.join(self.state_dir, "scratch"), ignore_errors=True)
        self.cgroups.stop()

    @property
    def isolation(self) -> str:
        return isolation.level(self.layers)

    def kernel_info(self, state: str, kernel: Kernel | None = None) -> dict:
        """A kernel's state and isolation: its own layers when there is one, else the probe's."""
        layers = kernel.layers if kernel is not None else self.layers
        return {
            "state": state,
            "isolation": isolation.level(layers),
            "missing": isolation.missing_layers(layers),
        }

    # -- kernels ------------------------------------------------------------------------------
    def _spawn(
        self, *, kid: str, owner: str, names: dict, tier: str = "visitor", client: str = ""
    ) -> Kernel:
        with self.lock:
            if not self.free_slots:
                raise StartError("The server has no room for another kernel right now.")
            slot = self.free_slots.pop()
        skip = list(self.disable) + (list(self.spoil) if kid != "probe" else [])
        request = {
            "cgroup": self.cgroups.create(slot) if "cgroup" not in skip else [],
            "op": "spawn",
            "uid": self.limits.uid_base + slot,
            "limits": self.limits.as_dict(),
            "names": {str(k): str(v)[:200] for k, v in names.items()},
            "disable": skip,
            "scratch_dir": self._scratch_dir(slot),
        }
        try:
            with self.zygote_lock:
                if self.zygote is None or self.zygote.poll() is not None:
                    raise StartError("The code runner's warm parent is not running.")
                protocol.send(self.zygote_sock, request)
                data, fds, _flags, _addr = socket.recv_fds(self.zygote_sock, 65536, 3)
            answer = protocol.decode(data[protocol.HEADER.size :])
            if not answer.get("ok") or len(fds) < 2:
                for fd in fds:
                    os.close(fd)
                raise StartError(f"A kernel could not be started: {answer.get('error')}")
        except (OSError, protocol.ProtocolError) as exc:
            with self.lock:
                self.free_slots.append(slot)
            raise StartError(f"A kernel could not be started: {exc}") from None
        sock = socket.socket(fileno=fds[0])
        pidfd = fds[2] if len(fds) > 2 else -1
        pid = _pid_from_pidfd(pidfd, int(answer["pid"])) if pidfd >= 0 else int(answer["pid"])
        kernel = Kernel(
            kid=kid,
            owner=owner,
            slot=slot,
            pid=pid,
            pidfd=pidfd,
            sock=sock,
            out_fd=fds[1],
            layers=[],
            tier=tier,
            client=client,
        )
        ready = self._await_ready(kernel)
        if ready is None:
            stderr = self._read_pipe(kernel)
            self._kill(kernel)
            log.error("kernel failed to start: %s", stderr[-4000:])
            raise StartError("A kernel could not be started on this server.")
        # What the kernel says it set up, minus what only the runner can vouch for.
        layers = [str(layer) for layer in ready.get("layers", []) if layer != "cgroup"][:64]
        notes = ready.get("notes") if isinstance(ready.get("notes"), dict) else {}
        kernel.notes = {str(k)[:40]: str(v)[:200] for k, v in list(notes.items())[:16]}
        kernel.notes["landlock_abi"] = _int(notes.get("landlock_abi"))
        if self.cgroups.contains(slot, kernel.pid):
            layers.append("cgroup")
        else:
            kernel.notes["cgroup"] = self.cgroups.error or "the kernel is not in its cgroup"
        kernel.layers = layers
        missing = isolation.missing_layers(layers)
        if missing and kid != "probe" and missing != isolation.missing_layers(self.layers):
            log.warning("kernel %s lacks %s: %s", kid[:8], ", ".join(missing), kernel.notes)
        return kernel

    def _scratch_dir(self, slot: int) -> str:
        """Where a kernel without a private tmpfs writes (removed when it stops)."""
        return os.path.join(self.state_dir, "scratch", str(slot))

    def _await_ready(self, kernel: Kernel) -> dict | None:
        deadline = time.monotonic() + self.limits.start_seconds
        buffer = protocol.FrameBuffer(KERNEL_FRAME)
        while time.monotonic() < deadline:
            readable, _, _ = select.select([kernel.sock], [], [], deadline - time.monotonic())
            if not readable:
                break
            data = kernel.sock.recv(65536)
            if not data:
                return None
            try:
                frames = buffer.feed(data)
            except protocol.ProtocolError:
                return None
            for frame in frames:
                if frame.get("t") == "ready":
                    return frame
        return None

    def _read_pipe(self, kernel: Kernel, limit: int = 65536) -> str:
        chunks = []
        while kernel.out_fd >= 0 and sum(map(len, chunks)) < limit:
            readable, _, _ = select.select([kernel.out_fd], [], [], 0)
            if not readable:
                break
            data = os.read(kernel.out_fd, 65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks).decode(errors="replace")

    def _kill(self, kernel: Kernel, *, wait: bool = True) -> None:
        """Kill a kernel (its PID namespace goes with it) and free its uid once it is gone."""
        kernel.signal(signal.SIGKILL)
        gone = True
        if wait and kernel.pidfd >= 0:
            readable, _, _ = select.select([kernel.pidfd], [], [], 2.0)
            gone = bool(readable)
        kernel.close()
        if gone and not self.plan.get("root"):
            shutil.rmtree(self._scratch_dir(kernel.slot), ignore_errors=True)
        if gone:
            self.cgroups.remove(kernel.slot)
        with self.lock:
            if self.kernels.get(kernel.kid) is kernel:
                del self.kernels[kernel.kid]
            if gone:  # a uid whose process may still exist is never handed out again
                self.free_slots.append(kernel.slot)

    def _bury(self, kernel: Kernel, reason: str) -> None:
        """Remember why a kernel stopped so the learner's next run can say so."""
        idle = 0.0 if kernel.busy else time.monotonic() - kernel.last_used
        with self.lock:
            self.tombstones[kernel.kid] = {
                "reason": reason,
                "cells": list(kernel.cells),
                "idle_seconds": round(idle),
            }
            self.tombstones.move_to_end(kernel.kid)
            while len(self.tombstones) > TOMBSTONES:
                self.tombstones.popitem(last=False)

    def _retire(self, kernel: Kernel, reason: str) -> None:
        self._bury(kernel, reason)
        self._kill(kernel)

    def _eviction_order(self, kernels, now: float) -> list[Kernel]:
        """Idle kernels in the order they may be evicted: kernels that ran in the last
        recent_seconds come last; before them visitors' kernels, then members'; within each,
        the longest idle first. Busy kernels are never evicted."""
        recent = self.limits.recent_seconds
        return sorted(
            (k for k in kernels if not k.busy),
            key=lambda k: (now - k.last_used < recent, k.tier == "member", k.last_used),
        )

    def _choose(self, victims: dict, pool: list, cap: int, reason: str, *, spare_recent: bool):
        """Add idle kernels of `pool` to `victims` (kernel → reason) until fewer than `cap` of
        the pool remain; False when that is impossible (too many busy, or only recently used
        kernels left and `spare_recent`)."""
        now = time.monotonic()
        left = [k for k in pool if k not in victims]
        order = self._eviction_order(left, now)
        while len(left) >= cap:
            if not order:
                return False
            victim = order.pop(0)
            if spare_recent and now - victim.last_used < self.limits.recent_seconds:
                return False
            victims[victim] = reason
            left.remove(victim)
        return True

    def _make_room(self, owner: str, tier: str = "visitor", client: str = "") -> None:
        """Before a new kernel: enforce the per-learner, per-client, visitor-share and total
        limits by evicting idle kernels in `_eviction_order`, then free memory. A visitor never
        evicts a kernel that ran in the last recent_seconds: it is refused instead."""
        limits = self.limits
        visitor = tier != "member"
        with self.lock:
            kernels = list(self.kernels.values())
            victims: dict[Kernel, str] = {}
            mine = [k for k in kernels if k.owner == owner]
            self._choose(
                victims, mine, limits.kernels_per_visitor, "visitor-limit", spare_recent=False
            )
            problem = None
            if visitor and client:
                same = [k for k in kernels if k.client == client and k.tier != "member"]
                if not self._choose(
                    victims, same, limits.kernels_per_client, "client-limit", spare_recent=False
                ):
                    problem = (
                        f"Too many kernels are running from your network address right now (at "
                        f"most {limits.kernels_per_client}). Try again when one has finished, "
                        "or sign in."
                    )
            if problem is None and visitor:
                visitors = [k for k in kernels if k.tier != "member"]
                if not self._choose(
                    victims, visitors, limits.visitor_kernels, "evicted", spare_recent=True
                ):
                    problem = (
                        "The server's room for visitors is full right now. Sign in, or try "
                        "again in a few minutes."
                    )
            if problem is None and not self._choose(
                victims, kernels, limits.max_kernels, "evicted", spare_recent=visitor
            ):
                problem = "The server is running as many kernels as it can. Try again in a minute."
            if problem is not None:
                # Only the learner's own surplus goes when the request is refused.
                victims = {k: r for k, r in victims.items() if r == "visitor-limit"}
            for kernel in victims:
                self.kernels.pop(kernel.kid, None)
        for kernel, reason in victims.items():
            self._retire(kernel, reason)
        if problem is not None:
            raise StartError(problem)
        self._relieve_memory(needed_mb=limits.min_free_mb)

    def _relieve_memory(self, *, needed_mb: float) -> bool:
        while True:
            available = _mem_available_mb()
            if available is None or available >= needed_mb:
                return True
            with self.lock:
                idle = self._eviction_order(self.kernels.values(), time.monotonic())
                if not idle:
                    return False
                victim = idle[0]
                self.kernels.pop(victim.kid, None)
            log.warning("memory short (%.0f MiB available): evicting a kernel", available)
            self._retire(victim, "memory-short")

    def acquire(
        self, kid: str, owner: str, names: dict, notify, *, tier: str = "visitor", client: str = ""
    ) -> tuple[Kernel, dict | None]:
        """The kernel for `kid`, started if needed, marked busy; and, if an earlier kernel of
        this id had stopped, why (its tombstone)."""
        deadline = time.monotonic() + self.limits.wall_seconds + INTERRUPT_GRACE + 5
        told_busy = False
        while True:
            with self.lock:
                kernel = self.kernels.get(kid)
                if kernel is not None and not kernel.busy:
                    if kernel.alive():
                        kernel.busy = True
                        kernel.last_used = time.monotonic()
                        return kernel, None
                    del self.kernels[kid]
                    self._bury(kernel, "crashed")
                    kernel.close()
                    self.free_slots.append(kernel.slot)
                    continue
                if kernel is None and kid not in self.starting:
                    tombstone = self.tombstones.pop(kid, None)
                    self.starting.add(kid)
                    break
            if time.monotonic() > deadline:
                raise StartError("Your kernel is still busy with an earlier run.")
            if not told_busy:
                notify({"t": "state", "state": "busy"})
                told_busy = True
            time.sleep(POLL)
        notify({"t": "state", "state": "starting"})
        try:
            self._make_room(owner, tier, client)
            kernel = self._spawn(kid=kid, owner=owner, names=names, tier=tier, client=client)
            kernel.busy = True
            with self.lock:
                previous = self.kernels.get(kid)
                self.kernels[kid] = kernel
        finally:
            with self.lock:
                self.starting.discard(kid)
        if previous is not None:  # a second request raced us; keep one kernel
            self._kill(previous)
        return kernel, tombstone or {"reason": None, "cells": [], "new": True}

    def release(self, kernel: Kernel) -> None:
        kernel.idle_cpu = _cpu_seconds(kernel.pid)
        kernel.last_used = time.monotonic()
        kernel.interrupt_at = None
        kernel.busy = False

    def replace(self, kernel: Kernel, reason: str, names: dict) -> Kernel | None:
        """Kill a kernel that broke a limit and start a fresh one in its place."""
        cells = list(kernel.cells)
        self._kill(kernel)
        try:
            fresh = self._spawn(
                kid=kernel.kid,
                owner=kernel.owner,
                names=names,
                tier=kernel.tier,
                client=kernel.client,
            )
        except StartError:
            self._bury(kernel, reason)
            return None
        with self.lock:
            self.kernels[kernel.kid] = fresh
        log.info("kernel replaced after %s (had run %d cells)", reason, len(cells))
        return fresh

    # -- running a cell -----------------------------------------------------------------------
    def run(self, request: dict, reply) -> None:
        kid, owner = str(request.get("kernel", "")), str(request.get("owner", ""))
        code = request.get("code")
        if not kid or not owner or not isinstance(code, str):
            reply({"t": "result", "status": "error", "message": "Bad run request."})
            return
        if request.get("require_full") and self.isolation != "full":
            reply(
                {
                    "t": "result",
                    "status": "error",
                    "message": "This server's code runner is not fully isolated, so it only runs "
                    "code for people on the same machine.",
                    "kernel": self.kernel_info("unavailable"),
                    "execution_count": 0,
                    "duration_ms": 0,
                }
            )
            return
        names = request.get("names") if isinstance(request.get("names"), dict) else {}
        cell = str(request.get("cell", ""))[:64]
        filename = str(request.get("filename") or f"<cell {cell}>")[:80]
        tier = "member" if request.get("tier") == "member" else "visitor"
        client = str(request.get("client") or "")[:64]
        started = time.monotonic()
        try:
            kernel, tombstone = self.acquire(kid, owner, names, reply, tier=tier, client=client)
        except StartError as exc:
            reply(
                {
                    "t": "result",
                    "status": "limit",
                    "message": str(exc),
                    "kernel": self.kernel_info("unavailable"),
                    "execution_count": 0,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                }
            )
            return
        if request.get("require_full") and isolation.level(kernel.layers) != "full":
            self._refuse_partial(kernel, reply, started)
            return
        if tombstone is not None and request.get("hold_if_new"):
            # A new kernel: the site replays the learner's earlier cells, then asks again.
            self.release(kernel)
            reason = tombstone.get("reason")
            reply(
                {
                    "t": "result",
                    "status": "held",
                    "reason": reason or "",
                    "message": self._lost_message(tombstone, None) if reason else "",
                    "kernel": self.kernel_info("ready", kernel),
                    "execution_count": 0,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                }
            )
            return
        if tombstone is not None:  # a new kernel: "starting" was said; now it runs the cell
            reply({"t": "state", "state": "busy"})
        check = request.get("check") if request.get("op") == "check" else None
        try:
            outcome = self._execute(kernel, code, filename, reply, check=check)
        except Exception:
            log.exception("run failed")
            outcome = {"ok": False, "status": "error", "stopped": "crashed"}
        if outcome.get("stopped") == "crashed" and self.cgroups.out_of_memory(kernel.slot):
            outcome.update(
                status="limit",
                limit="memory",
                stopped="memory",
                limit_message=self._limit_message("memory", killed=True),
            )
        state = "ready"
        message = outcome.get("message", "")
        rerun: list[str] = []
        if tombstone is not None and tombstone.get("reason"):
            state = "lost"
            rerun = tombstone["cells"]
            message = self._lost_message(tombstone, rerun) + (" " + message if message else "")
        stopped = outcome.get("stopped")
        current: Kernel | None = kernel  # whose isolation the answer reports
        if stopped == "restart":
            self._kill(kernel)
            current = None
            state, message, rerun = "restarted", "You restarted the kernel while the cell ran.", []
        elif stopped:
            rerun = list(kernel.cells)
            fresh = current = self.replace(kernel, stopped, names)
            state = "restarted" if fresh else "lost"
            message = self._stopped_message(stopped, rerun, outcome.get("limit_message"))
        else:
            if outcome.get("ok") and cell and cell not in kernel.cells:
                kernel.cells.append(cell)
            self.release(kernel)
        reply(
            {
                "t": "result",
                "status": outcome["status"],
                "execution_count": outcome.get("execution_count", 0),
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "message": message,
                "limit": outcome.get("limit"),
                "rerun": rerun,
                "kernel": self.kernel_info(state, current),
                "verdict": outcome.get("verdict"),
            }
        )

    def _refuse_partial(self, kernel: Kernel, reply, started: float) -> None:
        """A kernel that came up without every layer does not run code for remote visitors."""
        with self.lock:
            if self.kernels.get(kernel.kid) is kernel:
                del self.kernels[kernel.kid]
        kernel.busy = False
        self._kill(kernel)
        missing = isolation.missing_layers(kernel.layers)
        log.error("kernel lacked %s (%s): refused", ", ".join(missing), kernel.notes)
        reply(
            {
                "t": "result",
                "status": "error",
                "message": "Your kernel could not be fully isolated on this server (missing: "
                f"{', '.join(missing)}), so it does not run code for people on other machines.",
                "kernel": self.kernel_info("unavailable", kernel),
                "execution_count": 0,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            }
        )

    def _lost_message(self, tombstone: dict, cells: list[str] | None) -> str:
        """Why the learner's previous kernel went; with `cells`, which to run again."""
        reason = tombstone["reason"]
        words = self._words()
        words["idle_for"] = _duration(tombstone.get("idle_seconds", 0))
        if reason in GONE:
            text = f"Your previous kernel was {GONE[reason].format(**words)}"
        else:
            text = f"Your previous kernel was stopped because {REASONS.get(reason, reason)}"
            text = text.format(**words)
        text += ", so its variables are gone."
        return text + (self._rerun_words(cells) if cells is not None else "")

    def _stopped_message(self, reason: str, cells: list[str], detail: str | None) -> str:
        why = REASONS.get(reason, reason).format(**self._words())
        text = detail or f"The kernel was stopped because {why}."
        text += " It has been restarted and its variables are gone."
        return text + self._rerun_words(cells)

    @staticmethod
    def _rerun_words(cells: list[str]) -> str:
        if not cells:
            return " Run the cells above this one again, starting with the setup cell."
        return " Re-run these cells first: " + ", ".join(cells) + "."

    def _words(self) -> dict:
        limits = self.limits.as_dict()
        limits["idle_minutes"] = round(self.limits.idle_seconds / 60)
        limits["idle_limit"] = _duration(self.limits.idle_seconds, "idle ")
        return limits

    def _execute(
        self, kernel: Kernel, code: str, filename: str, reply, *, check: dict | None = None
    ) -> dict:
        """Send one cell to the kernel and relay its outputs, enforcing every per-run limit."""
        limits = self.limits
        self._drain(kernel)
        cpu_start = _cpu_seconds(kernel.pid)
        if self.can_prlimit:  # backstop if the watchdog itself were ever late
            import resource

            ceiling = int(cpu_start + limits.cpu_seconds + 3)
            with contextlib.suppress(OSError, ValueError):
                resource.prlimit(kernel.pid, resource.RLIMIT_CPU, (ceiling, ceiling))
        try:
            order = {"op": "run", "code": code, "filename": filename}
            if isinstance(check, dict):
                order["check"] = {
                    "source": str(check.get("source", "")),
                    "library": str(check.get("library", "")),
                }
            protocol.send(kernel.sock, order)
        except OSError:
            return {"ok": False, "status": "error", "stopped": "crashed"}
        start = time.monotonic()
        buffer = protocol.FrameBuffer(KERNEL_FRAME)
        text_bytes = 0
        figures = 0
        notes: list[str] = []
        limit: str | None = None
        stop_deadline: float | None = None
        done: dict | None = None
        watch = [kernel.sock, kernel.out_fd] + ([kernel.pidfd] if kernel.pidfd >= 0 else [])

        def emit_text(name: str, text: str) -> None:
            nonlocal text_bytes, limit
            data = text.encode("utf-8", "replace")
            room = limits.output_bytes - text_bytes
            if room <= 0:
                limit = limit or "output"
                return
            if len(data) > room:
                data = data[:room]
                limit = limit or "output"
            text_bytes += len(data)
            reply(
                {
                    "t": "output",
                    "output": {
                        "output_type": "stream",
                        "name": name,
                        "text": data.decode("utf-8", "ignore"),
                    },
                }
            )

        while done is None:
            now = time.monotonic()
            if stop_deadline is None:
                if kernel.interrupt_at is not None:
                    stop_deadline = now + INTERRUPT_GRACE
                    limit = "interrupt"
                    kernel.signal(signal.SIGINT)
                elif _cpu_seconds(kernel.pid) - cpu_start > limits.cpu_seconds:
                    stop_deadline = now + INTERRUPT_GRACE
                    limit = "cpu"
                    kernel.signal(signal.SIGINT)
                elif now - start > limits.wall_seconds:
                    stop_deadline = now + INTERRUPT_GRACE
                    limit = "wall"
                    kernel.signal(signal.SIGINT)
            elif now > stop_deadline:
                self._flush_pipe(kernel, emit_text)
                return {
                    "ok": False,
                    "status": "limit" if limit != "interrupt" else "error",
                    "stopped": limit if limit != "interrupt" else "interrupt",
                    "limit": limit if limit != "interrupt" else None,
                    "limit_message": self._limit_message(limit, killed=True),
                }
            readable, _, _ = select.select(watch, [], [], POLL)
            if kernel.out_fd in readable:
                data = os.read(kernel.out_fd, 65536)
                if data:
                    emit_text("stderr", data.decode("utf-8", "replace"))
            if kernel.sock in readable:
                try:
                    data = kernel.sock.recv(1 << 20)
                except OSError:
                    data = b""
                if not data:
                    readable.append(kernel.pidfd)
                else:
                    try:
                        frames = buffer.feed(data)
                    except protocol.ProtocolError:
                        return {"ok": False, "status": "error", "stopped": "protocol"}
                    for frame in frames:
                        kind = frame.get("t")
                        if kind == "done":
                            done = frame
                            break
                        if kind != "output" or not isinstance(frame.get("output"), dict):
                            continue
                        output = frame["output"]
                        otype = output.get("output_type")
                        if otype == "stream":
                            name = output.get("name")
                            text = output.get("text")
                            if name in ("stdout", "stderr") and isinstance(text, str):
                                emit_text(name, text)
                        elif otype == "execute_result":
                            text = (output.get("data") or {}).get("text/plain")
                            if isinstance(text, str):
                                room = limits.output_bytes - text_bytes
                                data_ = text.encode("utf-8", "replace")
                                if len(data_) > room:
                                    limit = limit or "output"
                                    data_ = data_[: max(room, 0)]
                                text_bytes += len(data_)
                                reply(
                                    {
                                        "t": "output",
                                        "output": {
                                            "output_type": "execute_result",
                                            "execution_count": _int(output.get("execution_count")),
                                            "data": {"text/plain": data_.decode("utf-8", "ignore")},
                                            "metadata": {},
                                        },
                                    }
                                )
                        elif otype == "display_data":
                            clean = self._clean_figure(output)
                            if clean is None:
                                continue
                            if figures >= limits.max_figures:
                                limit = limit or "figures"
                                continue
                            figures += 1
                            reply({"t": "output", "output": clean})
                        elif otype == "error":
                            reply({"t": "output", "output": _clean_error(output)})
                            if output.get("ename") == "MemoryError":
                                limit = limit or "memory"
            if kernel.pidfd in readable or (kernel.pidfd < 0 and not kernel.alive()):
                if kernel.restarted:
                    return {"ok": False, "status": "error", "stopped": "restart"}
                self._flush_pipe(kernel, emit_text)
                return {
                    "ok": False,
                    "status": "error",
                    "stopped": "crashed",
                    "limit_message": "The kernel stopped unexpectedly (it crashed or exited).",
                }

        if done.get("truncated"):
            limit = limit or "output"
        if _int(done.get("skipped_figures")):
            limit = limit or "figures"
        if done.get("out_of_memory") is True:
            limit = limit or "memory"
        ok = bool(done.get("ok")) and limit is None
        status = "ok" if ok else ("limit" if limit and limit != "interrupt" else "error")
        if limit == "output":
            notice = (
                f"\n[Output cut off: a run may print at most {_size(limits.output_bytes)}; "
                "the rest was dropped.]\n"
            )
            reply(
                {
                    "t": "output",
                    "output": {"output_type": "stream", "name": "stderr", "text": notice},
                }
            )
        return {
            "ok": bool(done.get("ok")),
            "status": status,
            "execution_count": _int(done.get("execution_count")),
            "limit": limit if status == "limit" else None,
            "message": self._limit_message(limit, killed=False) if limit else "",
            "notes": notes,
            "verdict": _clean_verdict(done.get("verdict")) if status == "ok" else None,
        }

    def _limit_message(self, limit: str | None, *, killed: bool) -> str:
        limits = self.limits
        text = {
            "cpu": f"The cell used more than its {limits.cpu_seconds:g} s of CPU time (the CPU "
            "limit) and was stopped. Make the loop shorter or the arrays smaller.",
            "wall": f"The cell ran for more than {limits.wall_seconds:g} s (the time limit) and "
            "was stopped.",
            "output": f"The cell printed more than {_size(limits.output_bytes)} (the output "
            "limit); the rest was dropped. Print less, e.g. a summary or a slice.",
            "figures": f"Only the first {limits.max_figures} figures of a run are shown (the "
            "figure limit), and figures over the size limit are left out. Close figures you "
            "do not need.",
            "memory": "The cell ran out of memory: a kernel may use "
            f"{min(limits.memory_mb, limits.kernel_memory_mb)} MiB (the memory limit). Use "
            "smaller arrays.",
            "interrupt": "Interrupted.",
        }.get(limit or "", "")
        if killed and limit == "interrupt":
            return "The kernel did not stop when interrupted, so it was stopped."
        return text

    def _clean_figure(self, output: dict) -> dict | None:
        data = output.get("data") if isinstance(output.get("data"), dict) else {}
        encoded = data.get("image/png")
        if not isinstance(encoded, str) or len(encoded) > self.limits.figure_bytes * 4 // 3 + 8:
            return None
        try:
            png = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(png) > self.limits.figure_bytes or not png_ok(png):
            return None
        metadata = output.get("metadata") if isinstance(output.get("metadata"), dict) else {}
        title = metadata.get("title")
        return {
            "output_type": "display_data",
            "data": {
                "image/png": base64.b64encode(png).decode(),
                "text/plain": "<Figure>",
            },
            "metadata": {"title": title[:200] if isinstance(title, str) else ""},
        }

    def _drain(self, kernel: Kernel) -> None:
        """Throw away whatever a kernel wrote between runs (background threads)."""
        for fd in (kernel.sock.fileno(), kernel.out_fd):
            for _ in range(64):
                readable, _, _ = select.select([fd], [], [], 0)
                if not readable:
                    break
                try:
                    if not os.read(fd, 1 << 20):
                        break
                except OSError:
                    break

    def _flush_pipe(self, kernel: Kernel, emit_text) -> None:
        text = self._read_pipe(kernel)
        if text:
            emit_text("stderr", text)

    # -- restart, interrupt, status -----------------------------------------------------------
    def restart(self, kid: str) -> dict:
        with self.lock:
            kernel = self.kernels.pop(kid, None)
            self.tombstones.pop(kid, None)
        if kernel is not None:
            self._stop_now(kernel, None)
        return {"t": "kernel", **self.kernel_info("restarted" if kernel else "cold")}

    def interrupt(self, kid: str) -> dict:
        with self.lock:
            kernel = self.kernels.get(kid)
        if kernel is None:
            return {"t": "kernel", **self.kernel_info("cold")}
        if not kernel.busy:
            return {"t": "kernel", **self.kernel_info("ready")}
        kernel.interrupt_at = time.monotonic()
        return {"t": "kernel", **self.kernel_info("interrupting")}

    def shutdown_kernel(self, kid: str) -> dict:
        with self.lock:
            kernel = self.kernels.pop(kid, None)
        if kernel is not None:
            self._stop_now(kernel, "visitor-limit")
        return {"t": "kernel", **self.kernel_info("cold")}

    def _stop_now(self, kernel: Kernel, reason: str | None) -> None:
        """Stop a kernel already taken out of the table. A busy one is only killed here: the
        thread running its cell notices, answers, and then closes its descriptors (closing them
        under that thread could hand their numbers to someone else's files)."""
        if reason:
            self._bury(kernel, reason)
        if kernel.busy:
            kernel.restarted = True
            kernel.signal(signal.SIGKILL)
        else:
            self._kill(kernel)

    def inspect(self, kid: str, owner: str) -> dict:
        """The variables of an idle kernel (only its owner's), checked and bounded here."""
        with self.lock:
            kernel = self.kernels.get(kid)
            if kernel is None or kernel.owner != owner:
                return {"t": "inspect", "state": "cold", "variables": []}
            if kernel.busy:
                return {"t": "inspect", "state": "busy", "variables": []}
            kernel.busy = True
        try:
            self._drain(kernel)
            protocol.send(kernel.sock, {"op": "inspect"})
            frame = self._read_one(kernel, INSPECT_SECONDS)
        except Exception:  # noqa: BLE001 (whatever happened, the kernel must not stay busy)
            frame = None
        ok = isinstance(frame, dict) and frame.get("t") == "inspect"
        with self.lock:
            # Restarted or shut down meanwhile: as with a busy run, this thread finishes it.
            taken = self.kernels.get(kid) is not kernel or kernel.restarted
            if not ok and not taken:
                # A kernel that cannot answer may still send later and corrupt its next run.
                del self.kernels[kid]
        if taken:
            self._kill(kernel)
            return {"t": "inspect", "state": "cold", "variables": []}
        if not ok:
            self._retire(kernel, "protocol")
            return {"t": "inspect", "state": "lost", "variables": []}
        kernel.busy = False
        return {"t": "inspect", "state": "ready", "variables": _clean_variables(frame)}

    @staticmethod
    def _read_one(kernel: Kernel, timeout: float) -> dict | None:
        buffer = protocol.FrameBuffer(KERNEL_FRAME)
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([kernel.sock], [], [], left)
            if not readable:
                return None
            data = kernel.sock.recv(1 << 20)
            if not data:
                return None
            frames = buffer.feed(data)
            if frames:
                return frames[0]
        return None

    def status(self) -> dict:
        with self.lock:
            kernels = len(self.kernels)
            busy = sum(1 for k in self.kernels.values() if k.busy)
            partial = sum(1 for k in self.kernels.values() if isolation.missing_layers(k.layers))
        return {
            "t": "status",
            "isolation": self.isolation,
            "layers": self.layers,
            "missing": isolation.missing_layers(self.layers),
            "notes": self.plan.get("notes", [])
            + [f"{layer}: {why}" for layer, why in self.notes.items() if layer != "landlock_abi"],
            "landlock_abi": self.notes.get("landlock_abi", 0),
            "cgroups": self.cgroups.describe(),
            "partial_kernels": partial,
            "kernels": kernels,
            "busy": busy,
            "max_kernels": self.limits.max_kernels,
            "load": round(kernels / self.limits.max_kernels, 4),
            "mem_available_mb": _mem_available_mb(),
            "limits": self.limits.as_dict(),
            "allow_partial": self.allow_partial,
            "warm_seconds": self.plan.get("warm_seconds"),
            "pid": os.getpid(),
        }

    # -- housekeeping -------------------------------------------------------------------------
    def _watchdog(self) -> None:
        while not self.stopping.wait(0.5):
            try:
                self._sweep()
            except Exception:
                log.exception("watchdog sweep failed")

    def _sweep(self) -> None:
        now = time.monotonic()
        victims: list[tuple[Kernel, str]] = []
        with self.lock:
            for kernel in list(self.kernels.values()):
                if kernel.busy:
                    continue
                if not kernel.alive():
                    oom = self.cgroups.out_of_memory(kernel.slot)
                    victims.append((kernel, "memory" if oom else "crashed"))
                elif now - kernel.last_used > self.limits.idle_seconds:
                    victims.append((kernel, "idle"))
                elif _cpu_seconds(kernel.pid) - kernel.idle_cpu > self.limits.cpu_seconds:
                    victims.append((kernel, "background"))
            for kernel, _reason in victims:
                self.kernels.pop(kernel.kid, None)
        for kernel, reason in victims:
            self._retire(kernel, reason)
        self.cgroups.sweep()
        if (
            self.zygote is not None
            and self.zygote.poll() is not None
            and not self.stopping.is_set()
        ):
            log.error("the zygote exited (%s); restarting it", self.zygote.returncode)
            with self.zygote_lock:
                self._start_zygote()
        self._relieve_memory(needed_mb=self.limits.min_free_mb / 2)


def _duration(seconds: float, adjective: str = "") -> str:
    """'40 seconds', '1 second', '12 minutes' (or '15 idle minutes' with an adjective)."""
    seconds = int(seconds)
    if seconds < 90:
        return f"{seconds} {adjective}second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} {adjective}minutes"


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _size(n: int) -> str:
    return f"{n / MIB:g} MiB" if n >= MIB else f"{n / 1024:g} KiB"


def _clean_verdict(verdict) -> dict | None:
    """A check's verdict as the kernel reported it, reduced to known fields and sizes."""
    if not isinstance(verdict, dict) or verdict.get("status") not in VERDICTS:
        return None
    message, detail = verdict.get("message"), verdict.get("detail")
    return {
        "status": verdict["status"],
        "message": message[:2000] if isinstance(message, str) else "",
        "detail": detail[:8000] if isinstance(detail, str) else "",
    }


VERDICTS = ("pass", "fail", "crashed", "interrupted")


def _clean_error(output: dict) -> dict:
    traceback_ = output.get("traceback")
    lines = (
        [line for line in traceback_ if isinstance(line, str)]
        if isinstance(traceback_, list)
        else []
    )
    total, kept = 0, []
    for line in lines:
        total += len(line)
        if total > ERROR_CHARS:
            kept.append("…")
            break
        kept.append(line)
    ename = output.get("ename")
    evalue = output.get("evalue")
    clean = {
        "output_type": "error",
        "ename": ename[:200] if isinstance(ename, str) else "Error",
        "evalue": evalue[:2000] if isinstance(evalue, str) else "",
        "traceback": kept,
    }
    # The shape debugger's findings (sandbox/shapedebug.py): passed on only when small; the
    # site checks every field (learn/sandbox.py).
    debug = output.get("debug")
    if isinstance(debug, dict) and len(json.dumps(debug)) <= DEBUG_CHARS:
        clean["debug"] = debug
    return clean


def _clean_variables(frame: dict) -> list[dict]:
    """A kernel's variable list, rebuilt from checked fields only."""
    items = frame.get("variables")
    result = []
    for item in items[:INSPECT_NAMES] if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        entry = {"name": item["name"][:60], "type": str(item.get("type", ""))[:60]}
        shape = item.get("shape")
        if isinstance(shape, list) and all(_int(n) == n for n in shape):
            entry["shape"] = shape[:32]
            entry["dtype"] = str(item.get("dtype", ""))[:40]
        if isinstance(item.get("value"), str):
            entry["value"] = item["value"][:40]
        if isinstance(item.get("len"), int):
            entry["len"] = _int(item["len"])
        result.append(entry)
    return result


def _is_loopback(address) -> bool:
    if not address:
        return True  # a Unix socket
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        runner: Runner = self.server.runner
        sock: socket.socket = self.request
        sock.settimeout(30)
        challenge = None
        if self.server.token is not None:
            challenge = os.urandom(16).hex()
            protocol.send(sock, {"challenge": challenge})
        try:
            request = protocol.recv(sock, max_frame=4 * MIB)
        except (OSError, protocol.ProtocolError):
            return
        if request is None:
            return
        sock.settimeout(None)
        if challenge is not None:
            expected = hmac.new(self.server.token, challenge.encode(), "sha256").hexdigest()
            if not hmac.compare_digest(str(request.get("auth", "")), expected):
                protocol.send(sock, {"t": "error", "message": "Not authorised."})
                return
        remote = not _is_loopback(self.client_address)
        if remote and not runner.allow_partial:
            request["require_full"] = True  # each kernel's own layers are checked too
        if (
            runner.isolation != "full"
            and not runner.allow_partial
            and remote
            and request.get("op") != "status"
        ):
            protocol.send(
                sock,
                {
                    "t": "error",
                    "message": "This runner does not have full isolation and only serves "
                    "clients on this machine.",
                },
            )
            return

        gone = False

        def reply(frame: dict) -> None:
            # If the site hangs up (the learner closed the page), the run still finishes within
            # its limits and the kernel keeps its state, as a Jupyter kernel would.
            nonlocal gone
            if gone:
                return
            try:
                protocol.send(sock, frame)
            except OSError:
                gone = True

        op = request.get("op")
        try:
            if op in ("run", "check"):
                runner.run(request, reply)
            elif op == "restart":
                reply(runner.restart(str(request.get("kernel", ""))))
            elif op == "interrupt":
                reply(runner.interrupt(str(request.get("kernel", ""))))
            elif op == "shutdown":
                reply(runner.shutdown_kernel(str(request.get("kernel", ""))))
            elif op == "inspect":
                reply(runner.inspect(str(request.get("kernel", "")), str(request.get("owner", ""))))
            elif op == "status":
                reply(runner.status())
            else:
                reply({"t": "error", "message": f"Unknown operation {op!r}."})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the site went away (e.g. the browser closed the page); the run has ended


class _Server(socketserver.ThreadingMixIn, socketserver.BaseServer):
    daemon_threads = True
    request_queue_size = 512  # many learners press Run at once
    runner: Runner
    token: bytes | None


class UnixServer(_Server, socketserver.UnixStreamServer):
    pass


class TCPServer(_Server, socketserver.TCPServer):
    allow_reuse_address = True


def serve(
    runner: Runner,
    *,
    socket_path: str | None = None,
    listen: tuple[str, int] | None = None,
    token: bytes | None = None,
    socket_mode: int = 0o600,
    socket_group: str | None = None,
    on_ready=None,
) -> None:
    """Serve requests until SIGTERM or SIGINT; then stop every kernel."""
    servers: list[_Server] = []
    if socket_path:
        os.makedirs(os.path.dirname(os.path.abspath(socket_path)), mode=0o700, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(socket_path)
        old_umask = os.umask(0o177)
        try:
            unix = UnixServer(socket_path, _Handler)
        finally:
            os.umask(old_umask)
        if socket_group:  # the site runs as another user: let its group reach the socket
            import grp

            gid = grp.getgrnam(socket_group).gr_gid
            directory = os.path.dirname(os.path.abspath(socket_path))
            os.chown(directory, -1, gid)
            os.chmod(directory, 0o710)  # noqa: S103 (group may traverse, not list)
            os.chown(socket_path, -1, gid)
        os.chmod(socket_path, socket_mode)
        unix.runner, unix.token = runner, None
        servers.append(unix)
    if listen:
        if token is None:
            raise SystemExit("a TCP listener needs a token (SANDBOX_TOKEN or --token-file)")
        tcp = TCPServer(listen, _Handler)
        tcp.runner, tcp.token = runner, token
        servers.append(tcp)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    done = threading.Event()

    def stop(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if on_ready is not None:
        on_ready()
    log.info(
        "listening on %s",
        ", ".join(
            [p for p in [socket_path] if p] + ([f"tcp://{listen[0]}:{listen[1]}"] if listen else [])
        ),
    )
    try:
        while not done.wait(1.0):
            pass
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        runner.stop()
        if socket_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(socket_path)
