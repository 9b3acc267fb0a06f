"""The runner's limits, read from SANDBOX_* environment variables (same names as the site's
settings, which pass them on when the site starts a runner itself)."""

import os
from dataclasses import asdict, dataclass, fields

MIB = 1024 * 1024


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
            if getattr(limits, field.name) <= 0:
                raise SystemExit(f"SANDBOX_{field.name.upper()} must be positive")
        return limits

    def as_dict(self) -> dict:
        return asdict(self)
