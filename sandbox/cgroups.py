"""A cgroup per kernel: a memory ceiling, a process/thread ceiling and a CPU weight, under one
parent cgroup for all of a runner's kernels whose memory ceiling stays below the machine's.

cgroup v2 is used where the runner's own cgroup has the memory, pids and cpu controllers
(delegated to it, e.g. by systemd's Delegate=yes); otherwise cgroup v1 where those controllers'
hierarchies are mounted and writable (as root). The parent is created inside the runner's own
cgroup of each hierarchy, so kernels stay accounted to whatever contains the runner.

The zygote's helper process joins the kernel's cgroup before it forks the kernel, so every
process and thread of a kernel is inside from its first instruction. The runner removes a
kernel's cgroup once the kernel is gone, and the parent when it stops.
"""

import contextlib
import logging
import os
import time
from dataclasses import dataclass

log = logging.getLogger("sandbox")

CONTROLLERS = ("memory", "pids", "cpu")
MIB = 1024 * 1024
PREFIX = "agw-sandbox-"


@dataclass
class Settings:
    kernel_memory_mb: int
    total_memory_mb: int  # 0: 75 % of the machine's memory
    kernel_pids: int
    total_pids: int
    cpu_shares: int  # v1 cpu.shares; v2 cpu.weight is shares * 100 / 1024


def _read(path: str) -> str:
    with open(path) as fh:
        return fh.read()


def _write(path: str, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def machine_memory_mb() -> int:
    """MemTotal in MiB (0 if unknown)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in _read("/proc/meminfo").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 0


def _own_cgroups() -> dict[str, str]:
    """Controller (or "" for v2) → this process's cgroup path, from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    for line in _read("/proc/self/cgroup").splitlines():
        _id, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


def _mounts() -> dict[str, str]:
    """Controller (or "" for cgroup2) → its mount point, from /proc/self/mountinfo."""
    mounts: dict[str, str] = {}
    for line in _read("/proc/self/mountinfo").splitlines():
        left, _, right = line.partition(" - ")
        fstype, _source, options = [*right.split(), "", "", ""][:3]
        point = left.split()[4]
        if fstype == "cgroup2":
            mounts.setdefault("", point)
        elif fstype == "cgroup":
            for option in options.split(","):
                if option in CONTROLLERS:
                    mounts.setdefault(option, point)
    return mounts


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Cgroups:
    """The parent cgroup of one runner's kernels and a child per kernel slot."""

    def __init__(self, settings: Settings, *, name: str | None = None):
        self.settings = settings
        self.name = name or f"{PREFIX}{os.getpid()}"
        self.version = 0
        self.parents: dict[str, str] = {}  # controller ("" for v2) → the parent's directory
        self.error = ""
        self.total_memory_mb = 0
        self.lingering: set[int] = set()  # slots whose cgroup still held a process

    # -- setting up ---------------------------------------------------------------------------
    def setup(self) -> bool:
        """Create the parent cgroup; False (and `error` says why) when cgroups are unusable."""
        try:
            own, mounts = _own_cgroups(), _mounts()
        except OSError as exc:
            self.error = f"cannot read this process's cgroups: {exc}"
            return False
        total = self.settings.total_memory_mb or machine_memory_mb() * 3 // 4
        self.total_memory_mb = total
        errors = []
        for attempt in (self._setup_v2, self._setup_v1):
            try:
                attempt(own, mounts, total)
                return True
            except OSError as exc:
                errors.append(str(exc))
                self._remove_parents()
        self.error = "; ".join(errors)
        return False

    def _setup_v2(self, own: dict, mounts: dict, total: int) -> None:
        if "" not in mounts or "" not in own:
            raise OSError("cgroup v2: not mounted")
        base = os.path.join(mounts[""], own[""].lstrip("/"))
        available = _read(os.path.join(base, "cgroup.controllers")).split()
        if not all(name in available for name in CONTROLLERS):
            raise OSError(f"cgroup v2: controllers {available or 'none'} delegated here")
        self._clean_stale([base])
        enable = " ".join(f"+{name}" for name in CONTROLLERS)
        try:
            _write(os.path.join(base, "cgroup.subtree_control"), enable)
        except OSError:
            # "No internal processes": move this runner (and so the zygote it starts) into a
            # leaf of its own, then the controllers can be enabled for the siblings.
            leaf = os.path.join(base, f"{self.name}-runner")
            os.makedirs(leaf, exist_ok=True)
            _write(os.path.join(leaf, "cgroup.procs"), str(os.getpid()))
            _write(os.path.join(base, "cgroup.subtree_control"), enable)
        parent = os.path.join(base, self.name)
        os.mkdir(parent)
        self.parents = {"": parent}
        self.version = 2
        _write(os.path.join(parent, "cgroup.subtree_control"), enable)
        _write(os.path.join(parent, "memory.max"), str(total * MIB))
        with contextlib.suppress(OSError):
            _write(os.path.join(parent, "memory.swap.max"), "0")
        _write(os.path.join(parent, "pids.max"), str(self.settings.total_pids))

    def _setup_v1(self, own: dict, mounts: dict, total: int) -> None:
        missing = [name for name in CONTROLLERS if name not in mounts or name not in own]
        if missing:
            raise OSError(f"cgroup v1: no {', '.join(missing)} hierarchy")
        bases = {name: os.path.join(mounts[name], own[name].lstrip("/")) for name in CONTROLLERS}
        self._clean_stale(list(bases.values()))
        for name, base in bases.items():
            parent = os.path.join(base, self.name)
            os.mkdir(parent)
            self.parents[name] = parent
        self.version = 1
        memory = self.parents["memory"]
        _write(os.path.join(memory, "memory.limit_in_bytes"), str(total * MIB))
        with contextlib.suppress(OSError):  # only with swap accounting
            _write(os.path.join(memory, "memory.memsw.limit_in_bytes"), str(total * MIB))
        _write(os.path.join(self.parents["pids"], "pids.max"), str(self.settings.total_pids))

    def _clean_stale(self, bases: list[str]) -> None:
        """Remove parents left by runners that died without cleaning up (their pid is gone)."""
        for base in bases:
            with contextlib.suppress(OSError):
                for entry in os.listdir(base):
                    if not entry.startswith(PREFIX) or entry == self.name:
                        continue
                    pid = entry[len(PREFIX) :].split("-")[0]
                    if pid.isdigit() and not _pid_alive(int(pid)):
                        _remove_tree(os.path.join(base, entry))

    @property
    def active(self) -> bool:
        return bool(self.parents)

    def describe(self) -> dict:
        """What `status` reports about this layer."""
        if not self.active:
            return {"active": False, "error": self.error}
        return {
            "active": True,
            "version": self.version,
            "parent": next(iter(self.parents.values())),
            "parents": list(self.parents.values()),
            "kernel_cgroups": len(self.children()),
            "controllers": list(CONTROLLERS),
            "total_memory_mb": self.total_memory_mb,
            "kernel_memory_mb": self.settings.kernel_memory_mb,
            "kernel_pids": self.settings.kernel_pids,
            "cpu_shares": self.settings.cpu_shares,
        }

    # -- kernels ------------------------------------------------------------------------------
    def _dirs(self, slot: int) -> dict[str, str]:
        return {name: os.path.join(parent, f"k{slot}") for name, parent in self.parents.items()}

    def create(self, slot: int) -> list[str]:
        """Make (or reset) slot's cgroup with its limits; the cgroup.procs files a process
        writes its pid to in order to join it. [] when cgroups are not active."""
        if not self.active:
            return []
        self.remove(slot)
        dirs = self._dirs(slot)
        settings = self.settings
        try:
            for path in dirs.values():
                os.makedirs(path, exist_ok=True)
            if self.version == 2:
                path = dirs[""]
                _write(os.path.join(path, "memory.max"), str(settings.kernel_memory_mb * MIB))
                with contextlib.suppress(OSError):
                    _write(os.path.join(path, "memory.swap.max"), "0")
                _write(os.path.join(path, "pids.max"), str(settings.kernel_pids))
                weight = max(1, min(10000, settings.cpu_shares * 100 // 1024))
                _write(os.path.join(path, "cpu.weight"), str(weight))
            else:
                memory = dirs["memory"]
                _write(
                    os.path.join(memory, "memory.limit_in_bytes"),
                    str(settings.kernel_memory_mb * MIB),
                )
                with contextlib.suppress(OSError):
                    _write(
                        os.path.join(memory, "memory.memsw.limit_in_bytes"),
                        str(settings.kernel_memory_mb * MIB),
                    )
                _write(os.path.join(dirs["pids"], "pids.max"), str(settings.kernel_pids))
                _write(os.path.join(dirs["cpu"], "cpu.shares"), str(settings.cpu_shares))
        except OSError as exc:
            log.warning("cgroup for kernel slot %s: %s", slot, exc)
            self.remove(slot)
            return []
        return [os.path.join(path, "cgroup.procs") for path in dirs.values()]

    def contains(self, slot: int, pid: int) -> bool:
        """Whether process `pid` (as this process sees it) is in slot's cgroup everywhere."""
        if not self.active:
            return False
        try:
            own = {}
            for line in _read(f"/proc/{pid}/cgroup").splitlines():
                _id, controllers, path = line.split(":", 2)
                for name in controllers.split(",") if controllers else [""]:
                    own[name] = path
        except OSError:
            return False
        for name, directory in self._dirs(slot).items():
            if not own.get(name) or not directory.endswith(own[name]):
                return False
        return True

    def out_of_memory(self, slot: int) -> bool:
        """Whether the kernel in this slot was killed by its cgroup's memory ceiling."""
        directory = self._dirs(slot).get("" if self.version == 2 else "memory")
        if not directory:
            return False
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        with contextlib.suppress(OSError, ValueError):
            for line in _read(os.path.join(directory, name)).splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        return False

    def remove(self, slot: int) -> bool:
        """Remove slot's cgroup; False when a process is still in it (retried later)."""
        removed = True
        for directory in self._dirs(slot).values():
            try:
                os.rmdir(directory)
            except FileNotFoundError:
                pass
            except OSError:
                removed = False
        if removed:
            self.lingering.discard(slot)
        else:
            self.lingering.add(slot)
        return removed

    def sweep(self) -> None:
        """Retry removing cgroups whose kernel had not quite gone."""
        for slot in list(self.lingering):
            self.remove(slot)

    def children(self) -> list[str]:
        """The kernel cgroups that exist now (for status and tests)."""
        found = []
        for parent in self.parents.values():
            with contextlib.suppress(OSError):
                found += [entry for entry in os.listdir(parent) if entry.startswith("k")]
        return sorted(set(found))

    def stop(self, wait: float = 5.0) -> None:
        """Remove every kernel cgroup and the parent, waiting up to `wait` seconds for the last
        killed kernels to leave them."""
        deadline = time.monotonic() + wait
        while True:
            for parent in self.parents.values():
                _remove_tree(parent)
            if not any(os.path.exists(p) for p in self.parents.values()):
                break
            if time.monotonic() > deadline:
                log.warning("cgroups left behind: %s", ", ".join(self.parents.values()))
                break
            time.sleep(0.1)
        self.parents = {}

    def _remove_parents(self) -> None:
        for parent in self.parents.values():
            _remove_tree(parent)
        self.parents = {}


def _remove_tree(directory: str) -> None:
    """rmdir a cgroup and its (empty) children; cgroup directories cannot be unlinked."""
    with contextlib.suppress(OSError):
        for entry in os.listdir(directory):
            child = os.path.join(directory, entry)
            if os.path.isdir(child):
                _remove_tree(child)
    with contextlib.suppress(OSError):
        os.rmdir(directory)


def join(procs_files: list[str]) -> None:
    """In the zygote's helper: move this process into a kernel's cgroup (its children follow)."""
    for path in procs_files:
        _write(path, str(os.getpid()))
