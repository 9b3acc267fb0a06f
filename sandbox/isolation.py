"""Isolation of one kernel, strongest layer first.

The warm parent (zygote) calls `prepare_parent` once: with root (or a user namespace) it builds a
private, read-only root file system holding only the Python runtime, its libraries and a few
device nodes. For each kernel the zygote forks a helper that calls `enter_namespaces` (new PID,
network, mount, IPC and UTS namespaces) and forks the kernel itself, which calls
`isolate_kernel`: fresh /proc (host-wide files masked) and a private tmpfs in the private root,
pivot_root into it, a distinct unprivileged uid, rlimits, no-new-privs, non-dumpable, Landlock
(counted from ABI 4), then seccomp. The helper first joins the kernel's cgroup (cgroups.py); the
runner, not the kernel, vouches for that layer.

Each layer that cannot be set up on this machine is left out and reported, never faked: the
runner refuses non-loopback clients unless every layer is active (or the operator says so).
"""

import ctypes
import os
import platform
import resource
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass, field

from . import landlock, seccomp

# Every layer a kernel can have; "full" isolation means all of them.
LAYERS = (
    "pid-namespace",
    "network-namespace",
    "mount-namespace",
    "ipc-namespace",
    "uts-namespace",
    "private-root",
    "scratch-tmpfs",
    "fresh-proc",
    "masked-proc",
    "distinct-uid",
    "rlimits",
    "no-new-privs",
    "non-dumpable",
    "landlock",
    "seccomp",
    "clean-environment",
    "cgroup",
)

# Host-wide files a kernel's fresh /proc would still show (the machine's boot command line,
# memory, uptime and load, boot id, CPU and devices): an empty read-only file is bound over each.
MASKED_PROC = (
    "cmdline",
    "meminfo",
    "sys/kernel/random/boot_id",
    "uptime",
    "loadavg",
    "stat",
    "version",
    "cpuinfo",
    "vmstat",
    "zoneinfo",
    "buddyinfo",
    "pagetypeinfo",
    "slabinfo",
    "interrupts",
    "softirqs",
    "diskstats",
    "partitions",
    "swaps",
    "modules",
    "kallsyms",
    "keys",
    "key-users",
    "schedstat",
    "sched_debug",
    "timer_list",
    "mdstat",
    "consoles",
    "devices",
    "misc",
    "iomem",
    "ioports",
    "crypto",
    "locks",
    "filesystems",
)
# Landlock counts as a layer only from the ABI that adds network rules.
LANDLOCK_MIN_ABI = 4

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36

SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine())
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}.get(platform.machine())

# Inside the private root, the kernel's own tmpfs: its home, temp and working directory.
SCRATCH = "/tmp"  # noqa: S108 (a private mount, not the host's /tmp)
# Used instead when the Python runtime itself lives under /tmp (a checkout in a temporary
# folder): a tmpfs on /tmp would hide it.
SCRATCH_ELSEWHERE = "/scratch"


def scratch_path(read_paths: list[str]) -> str:
    """Where a kernel's scratch tmpfs goes: /tmp, unless part of the runtime is under it."""
    if any(path == SCRATCH or path.startswith(SCRATCH + "/") for path in read_paths):
        return SCRATCH_ELSEWHERE
    return SCRATCH


# What a kernel's process environment holds, and nothing else (plus HOME and TMPDIR).
KERNEL_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "USER": "learner",
    "LOGNAME": "learner",
    "MPLBACKEND": "Agg",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
}

DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
if _libc is not None:
    _libc.syscall.restype = ctypes.c_long
    _libc.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    _libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    _libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _b(value: str | None) -> bytes | None:
    return None if value is None else os.fsencode(value)


def unshare(flags: int) -> None:
    """unshare(2) (os.unshare only exists from Python 3.12)."""
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _check(
        _libc.mount(_b(source), _b(target), _b(fstype), flags, _b(data) if data else None),
        f"mount {target}",
    )


def umount(target: str, flags: int = 0) -> None:
    _check(_libc.umount2(_b(target), flags), f"umount {target}")


def prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, arg, 0, 0, 0), f"prctl({option})")


def pivot_root(new_root: str, put_old: str) -> None:
    if SYS_PIVOT_ROOT is None:
        raise OSError(38, "pivot_root: unknown architecture")
    _check(_libc.syscall(SYS_PIVOT_ROOT, _b(new_root), _b(put_old)), "pivot_root")


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Get a signal when the parent process exits (Linux), so nothing outlives the runner."""
    if _libc is not None:
        prctl(PR_SET_PDEATHSIG, signum)


def become_subreaper() -> None:
    """Orphaned kernels become our children (so we reap them) instead of init's."""
    if _libc is not None:
        prctl(PR_SET_CHILD_SUBREAPER, 1)


def drop_capabilities() -> None:
    """Clear every capability set and the bounding set (used inside a user namespace, where the
    kernel keeps uid 0 but must hold no capability)."""
    for cap in range(64):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.syscall(SYS_CAPSET, header, data), "capset")


@dataclass
class Plan:
    """What the zygote managed to prepare; every kernel it forks follows it."""

    root: str | None = None  # the private root, mounted in the zygote's own mount namespace
    namespaces: bool = False  # the helper can unshare PID/net/mount/IPC/UTS namespaces
    user_namespace: bool = False  # we are root only inside a user namespace
    distinct_uid: bool = False  # we may switch each kernel to its own uid
    read_paths: list[str] = field(default_factory=list)  # what Landlock lets a kernel read
    notes: list[str] = field(default_factory=list)


def _bind(source: str, target: str, *, device: bool = False) -> None:
    """Bind `source` at `target` (created in the private root): read-only, or for a device
    node writable (writes to /dev/null are harmless)."""
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "a"):
            pass
    mount(source, target, None, MS_BIND)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID
    flags |= MS_NOEXEC if device else MS_RDONLY | MS_NODEV
    try:
        mount(None, target, None, flags)
    except PermissionError:  # a locked source flag (user namespace): keep noexec too
        mount(None, target, None, flags | MS_NOEXEC)


def runtime_paths(project_dir: str) -> list[str]:
    """Directories a kernel must read: the Python runtime and the packages it imports, never
    the project itself."""
    project = os.path.realpath(project_dir)
    wanted = []
    for entry in [sys.base_prefix, sys.prefix, *sys.path]:
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if real == project or project.startswith(real + os.sep) or real == "/":
            continue  # the project or one of its parents: never visible
        if os.path.exists(os.path.join(real, "manage.py")):
            continue
        if entry == sys.prefix and sys.prefix != sys.base_prefix:
            continue  # a virtualenv's root: only its site-packages (in sys.path) are needed
        wanted.append(os.path.abspath(entry))
    # Keep the outermost paths only (sys.base_prefix covers its lib/python3.x).
    wanted.sort(key=len)
    result: list[str] = []
    for path in wanted:
        if not any(path == kept or path.startswith(kept + os.sep) for kept in result):
            result.append(path)
    return result


def readable_paths(project_dir: str) -> list[str]:
    """Everything a kernel may read (Landlock's list): system libraries and the runtime."""
    system = [
        path
        for path in ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc/ld.so.cache")
        if os.path.exists(path)
    ]
    runtime = []
    for path in runtime_paths(project_dir):
        runtime += [path, os.path.realpath(path)]
    return system + [p for p in dict.fromkeys(runtime) if p not in system]


def build_root(root: str, project_dir: str) -> None:
    """Build the private read-only root at `root` (an empty directory) in this mount namespace.
    Directories made on the way (e.g. /root for a runtime under /root/.pyenv) are 0755 and hold
    only the mount points."""
    os.umask(0o022)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755")
    for name in ("usr", "lib", "lib64", "lib32", "libx32", "bin"):
        host = "/" + name
        if os.path.islink(host):
            os.symlink(os.readlink(host), os.path.join(root, name))
        elif os.path.isdir(host) and name != "bin":
            _bind(host, os.path.join(root, name))
    for path in runtime_paths(project_dir):
        real = os.path.realpath(path)
        # Both spellings: sys.path uses one, caches of resolved paths (matplotlib's fonts) the
        # other.
        for target in dict.fromkeys([path, real]):
            if target == "/usr" or target.startswith("/usr/"):
                continue
            _bind(real, root + target)
    if os.path.exists("/etc/ld.so.cache"):
        _bind("/etc/ld.so.cache", os.path.join(root, "etc/ld.so.cache"))
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            _bind(f"/dev/{name}", os.path.join(root, "dev", name), device=True)
    os.symlink("/proc/self/fd", os.path.join(root, "dev/fd"))
    with open(os.path.join(root, ".empty"), "w"):
        pass  # bound over host-wide /proc files
    for name in ("tmp", "proc", ".old", SCRATCH_ELSEWHERE.lstrip("/")):
        os.makedirs(os.path.join(root, name), exist_ok=True)
    mount(None, root, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def enter_parent_namespaces() -> Plan:
    """In the zygote's launcher, once, before it forks the zygote: a private mount namespace
    and a PID namespace whose init the zygote will be (via a user namespace when not root)."""
    plan = Plan()
    if not sys.platform.startswith("linux"):
        plan.notes.append(f"{sys.platform} has no namespaces, Landlock or seccomp")
        return plan
    try:
        if os.geteuid() == 0:
            unshare(CLONE_NEWNS | CLONE_NEWPID)
            plan.distinct_uid = True
        else:
            uid, gid = os.geteuid(), os.getegid()
            unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID)
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")
            plan.user_namespace = True
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        plan.namespaces = True
    except OSError as exc:
        plan.notes.append(f"no namespaces: {exc}")
    return plan


def prepare_parent(plan: Plan, root_dir: str, project_dir: str) -> Plan:
    """In the zygote, once: build the private root in its private mount namespace."""
    plan.read_paths = readable_paths(project_dir)
    if plan.namespaces:
        try:
            build_root(root_dir, project_dir)
            plan.root = root_dir
        except OSError as exc:
            plan.notes.append(f"no private root: {exc}")
    return plan


NAMESPACE_LAYERS = [
    "pid-namespace",
    "network-namespace",
    "mount-namespace",
    "ipc-namespace",
    "uts-namespace",
]


def enter_namespaces(plan: Plan) -> None:
    """In the helper: new namespaces for the kernel it is about to fork."""
    if plan.namespaces:
        flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS
        try:  # a cgroup namespace too, so the kernel sees its cgroup as "/"
            unshare(flags | CLONE_NEWCGROUP)
        except OSError:
            unshare(flags)


def _enter_root(plan: Plan, uid: int, scratch_mb: int) -> list[str]:
    root = plan.root
    owner = f",uid={uid},gid={uid}" if plan.distinct_uid else ""
    scratch = scratch_path(plan.read_paths)
    mount(
        "tmpfs",
        root + scratch,
        "tmpfs",
        MS_NOSUID | MS_NODEV | MS_NOEXEC,
        f"size={scratch_mb}m,nr_inodes=4096,mode=0700{owner}",
    )
    mount("proc", os.path.join(root, "proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    layers = ["private-root", "scratch-tmpfs", "fresh-proc"]
    if mask_proc(os.path.join(root, "proc"), os.path.join(root, ".empty")):
        layers.append("masked-proc")
    os.chdir(root)
    pivot_root(".", ".old")
    umount("/.old", MNT_DETACH)
    os.chdir(scratch)
    return layers


def mask_proc(proc: str, empty: str) -> bool:
    """Bind an empty read-only file over each host-wide file of a fresh /proc; True when every
    one that exists is hidden."""
    hidden = True
    for name in MASKED_PROC:
        target = os.path.join(proc, name)
        if not os.path.isfile(target):
            continue
        try:
            mount(empty, target, None, MS_BIND)
            mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        except OSError:
            hidden = False
    return hidden


def _set_rlimits(*, memory_mb: int, threads: int | None, open_files: int, scratch_mb: int) -> None:
    with open("/proc/self/statm") as fh:
        baseline = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    address_space = baseline + memory_mb * 1024 * 1024
    limits = [
        (resource.RLIMIT_AS, address_space),
        (resource.RLIMIT_NOFILE, open_files),
        (resource.RLIMIT_FSIZE, scratch_mb * 1024 * 1024),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_MEMLOCK, 0),
    ]
    if hasattr(resource, "RLIMIT_MSGQUEUE"):
        limits.append((resource.RLIMIT_MSGQUEUE, 0))
    if threads is not None:
        limits.append((resource.RLIMIT_NPROC, threads))
    for which, value in limits:
        resource.setrlimit(which, (value, value))
    # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the kernel.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def isolate_kernel(
    plan: Plan,
    *,
    uid: int,
    memory_mb: int,
    threads: int,
    open_files: int,
    scratch_mb: int,
    keep_fds: list[int],
    disable: tuple[str, ...] = (),
    scratch_dir: str | None = None,
    notes: dict | None = None,
) -> list[str]:
    """In the kernel, before any learner code: apply every layer the plan allows; return the
    names of the layers now active. `notes` receives why a layer failed and the Landlock ABI."""
    notes = {} if notes is None else notes
    active: list[str] = []
    linux = sys.platform.startswith("linux")
    if plan.namespaces and os.getpid() == 1:
        active += NAMESPACE_LAYERS
        socket.sethostname("sandbox")
    if plan.root:
        active += _enter_root(plan, uid, scratch_mb)
        scratch = scratch_path(plan.read_paths)
    else:  # no private tmpfs: a directory the runner removes when the kernel stops
        scratch = scratch_dir or tempfile.mkdtemp(prefix="agw-kernel-")
        os.makedirs(scratch, mode=0o700, exist_ok=True)
        os.chdir(scratch)

    # Only the descriptors the kernel needs survive: never the zygote's control socket.
    previous = -1
    for fd in sorted({0, 1, 2, *keep_fds}):
        if fd > previous + 1:  # os.closerange(n, n) would close everything from n up
            os.closerange(previous + 1, fd)
        previous = fd
    os.closerange(previous + 1, 1 << 16)

    _set_rlimits(
        memory_mb=memory_mb,
        threads=threads if plan.distinct_uid else None,
        open_files=open_files,
        scratch_mb=scratch_mb,
    )
    active.append("rlimits")

    if plan.distinct_uid:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        active.append("distinct-uid")
    elif plan.user_namespace:
        drop_capabilities()

    if linux:
        prctl(PR_SET_DUMPABLE, 0)
        active.append("non-dumpable")
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        active.append("no-new-privs")
        try:
            if "landlock" in disable:
                raise OSError(0, "disabled by the operator")
            devices = [f"/dev/{name}" for name in DEVICES if os.path.exists(f"/dev/{name}")]
            # /proc is the kernel's own only inside its PID namespace and private root.
            private = ["/proc"] if plan.root and "pid-namespace" in active else []
            enforced = landlock.restrict(read=plan.read_paths + private, write=[scratch, *devices])
            notes["landlock_abi"] = enforced["abi"]
            if enforced["abi"] >= LANDLOCK_MIN_ABI:
                active.append("landlock")
            else:  # still enforced for files, but without network rules it is not the layer
                notes["landlock"] = f"ABI {enforced['abi']} has no network rules (needs 4)"
        except OSError as exc:
            notes["landlock"] = exc.strerror or str(exc)
        try:
            if "seccomp" in disable:
                raise OSError(0, "disabled by the operator")
            seccomp.install()
            active.append("seccomp")
        except OSError as exc:
            notes["seccomp"] = exc.strerror or str(exc)
    os.environ.clear()
    os.environ.update(KERNEL_ENV, HOME=scratch, TMPDIR=scratch)
    active.append("clean-environment")
    return active


# Layers an operator may switch off while troubleshooting (SANDBOX_DISABLE_LAYERS); the runner
# then reports partial isolation and serves only clients on its own machine unless told.
OPTIONAL_LAYERS = ("landlock", "seccomp", "cgroup")


def level(active: list[str]) -> str:
    """'full' when every layer is active, 'partial' when some are, 'none' otherwise."""
    missing = [layer for layer in LAYERS if layer not in active]
    if not missing:
        return "full"
    return "partial" if active else "none"


def missing_layers(active: list[str]) -> list[str]:
    return [layer for layer in LAYERS if layer not in active]
