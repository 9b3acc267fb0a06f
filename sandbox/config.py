"""The runner's limits, read from SANDBOX_* environment variables (same names as the site's
settings, which pass them on when the site starts a runner itself)."""

import os
from dataclasses import asdict, dataclass, fields

MIB = 1024 * 1024
# Limits that may be 0: "none" for the reserve, "work it out" for the cgroup ones.
MAY_BE_ZERO = {"member_reserve_percent", "cgroup_memory_mb", "cgroup_total_mb", "cgroup_pids"}


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float = 10.0  # CPU time per run, all threads of the kernel together
    wall_seconds: float = 20.0  # wall-clock time per run
    memory_mb: int = 512  # what a kernel may allocate on top of the preloaded libraries
    output_bytes: int = 1 * MIB  # text output per run (stdout, stderr, reprs, tracebacks)
    max_figures: int = 10  # figures shown per run
    figure_bytes: int = 2 * MIB  # size of one PNG
    figure_pixels: int = 4_000_000  # pixels of one figure; bigger ones are drawn at a lower dpi
    scratch_mb: int = 32  # the kernel's private tmpfs (its only writable place)
    kernels_per_visitor: int = 3
    max_kernels: int = 256  # kernels alive at once on this runner
    idle_seconds: int = 15 * 60  # kernels idle this long are shut down
    min_free_mb: int = 512  # evict idle kernels when the machine has less available memory
    threads: int = 32  # processes/threads per kernel (RLIMIT_NPROC on the kernel's own uid)
    open_files: int = 128
    uid_base: int = 1_500_000_000  # kernels run as uid/gid uid_base + slot
    start_seconds: float = 10.0  # how long a new kernel may take to come up
    # Fair eviction: the share of max_kernels only signed-in learners may use, how many kernels
    # one client address (IPv4 or IPv6 /64) may hold as a visitor, and how long after a run a
    # kernel counts as "in use" (evicted only when no older idle kernel is left).
    member_reserve_percent: int = 25
    kernels_per_client: int = 12
    recent_seconds: int = 180
    # cgroups: each kernel's memory ceiling (0: memory_mb + scratch_mb + 64 MiB of headroom), the
    # ceiling of all kernels together (0: 75 % of the machine's memory), each kernel's CPU
    # weight (cpu.shares on v1, cpu.weight on v2 is derived from it) and its processes/threads.
    cgroup_memory_mb: int = 0
    cgroup_total_mb: int = 0
    cpu_shares: int = 1024
    cgroup_pids: int = 0  # 0: the threads limit

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "Limits":
        """Limits from SANDBOX_<FIELD> variables; unset or empty ones keep their default."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            raw = environ.get(f"SANDBOX_{field.name.upper()}", "").strip()
            if not raw:
                continue
            try:
                values[field.name] = field.type(raw) if callable(field.type) else float(raw)
            except ValueError:
                raise SystemExit(f"SANDBOX_{field.name.upper()}={raw!r} is not a number") from None
        limits = cls(**values)
        for field in fields(cls):
            value = getattr(limits, field.name)
            if value < 0 or (value == 0 and field.name not in MAY_BE_ZERO):
                raise SystemExit(f"SANDBOX_{field.name.upper()} must be positive")
        if limits.member_reserve_percent >= 100:
            raise SystemExit("SANDBOX_MEMBER_RESERVE_PERCENT must be below 100")
        return limits

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def visitor_kernels(self) -> int:
        """How many kernels visitors (not signed in) may hold together."""
        reserved = -(-self.max_kernels * self.member_reserve_percent // 100)  # rounded up
        return max(self.max_kernels - reserved, 1)

    @property
    def kernel_memory_mb(self) -> int:
        """Each kernel's cgroup memory ceiling."""
        return self.cgroup_memory_mb or self.memory_mb + self.scratch_mb + 64
