from . import kernel_admin  # noqa: F401 (the sandbox's admin: kernel placements, runner status)
