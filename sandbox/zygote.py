"""The warm parent: imports NumPy and matplotlib once, then forks a kernel per request.

Started by the runner (`python -m sandbox.zygote FD`) with a clean environment,
as PID 1 of its own PID namespace when the runner can arrange it: then, if the runner dies,
the zygote dies (parent-death signal) and the Linux kernel kills every process of every
learner kernel with it. It talks to the runner over one Unix socket (file descriptor FD):

  runner → zygote  {"root_dir": ..., "project_dir": ..., "mpl_dir": ...}   (once, first)

  runner → zygote  {"op": "spawn", "uid": int, "limits": {...}, "names": {...}}
  zygote → runner  {"ok": true, "pid": int} with [kernel socket, output pipe, pidfd] attached

It is single-threaded, because it forks.
"""

import contextlib
import gc
import json
import os
import select
import socket
import sys
import time
import traceback

from . import cgroups, isolation, kernel, protocol

# Modules lesson cells commonly import, loaded once here so a kernel never reads them from disk.
PRELOAD = (
    "ast",
    "base64",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "fractions",
    "functools",
    "itertools",
    "json",
    "math",
    "random",
    "re",
    "statistics",
    "string",
    "textwrap",
    "typing",
)


def warm_up() -> None:
    """Import NumPy and matplotlib (Agg), and draw one figure so fonts and the PNG writer are
    loaded before any fork."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt
    import numpy as np

    figure, ax = plt.subplots()
    ax.plot(np.arange(3), np.arange(3) ** 2, label="warm")
    ax.imshow(np.zeros((3, 3)), cmap="viridis")
    ax.set_title("warm-up")
    ax.legend()
    figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    plt.close("all")


def _kernel_main(control, kernel_sock, out_w: int, request: dict, plan) -> None:
    """In the forked kernel: isolate, then serve cells. Never returns."""
    code = 0
    try:
        control.detach()  # its descriptor is closed below; the object must never close another
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        limits = request["limits"]
        notes: dict = {}
        active = isolation.isolate_kernel(
            plan,
            uid=int(request["uid"]),
            memory_mb=int(limits["memory_mb"]),
            threads=int(limits["threads"]),
            open_files=int(limits["open_files"]),
            scratch_mb=int(limits["scratch_mb"]),
            keep_fds=[kernel_sock.fileno()],
            disable=tuple(request.get("disable", ())),
            scratch_dir=request.get("scratch_dir"),
            notes=notes,
        )
        k = kernel.prepare(kernel_sock, limits=limits, names=request.get("names", {}))
        k.send({"t": "ready", "layers": active, "notes": notes})
        k.serve()
    except BaseException:  # noqa: BLE001 (report, then exit: nothing may continue here)
        with contextlib.suppress(OSError):
            os.write(2, traceback.format_exc().encode())
        code = 70
    os._exit(code)


def spawn(control: socket.socket, request: dict, plan) -> None:
    """Fork one kernel and hand its socket, output pipe and pidfd to the runner."""
    parent_sock, kernel_sock = socket.socketpair()
    out_r, out_w = os.pipe()
    pid_r, pid_w = os.pipe()
    helper = os.fork()
    if helper == 0:
        code = 0
        try:
            os.close(pid_r)
            os.close(out_r)
            parent_sock.detach()
            # Into the kernel's cgroup first: the kernel and every thread it makes follow.
            # If this fails the kernel runs without it, and the runner reports the layer missing.
            with contextlib.suppress(OSError):
                cgroups.join(request.get("cgroup", []))
            if plan.namespaces:
                isolation.enter_namespaces(plan)
                kernel_pid = os.fork()
                if kernel_pid == 0:
                    os.close(pid_w)
                    _kernel_main(control, kernel_sock, out_w, request, plan)
            else:
                # No PID namespace: the kernel is our direct child and dies with us.
                kernel_pid = os.getpid()
                os.write(pid_w, str(kernel_pid).encode())
                os.close(pid_w)
                isolation.die_with_parent()
                _kernel_main(control, kernel_sock, out_w, request, plan)
            os.write(pid_w, str(kernel_pid).encode())
        except BaseException:  # noqa: BLE001
            code = 70
            with contextlib.suppress(OSError):
                os.write(pid_w, b"error " + traceback.format_exc().encode()[-2000:])
        os._exit(code)
    kernel_sock.close()
    os.close(out_w)
    os.close(pid_w)
    with os.fdopen(pid_r, "rb") as fh:
        answer = fh.read().decode(errors="replace")
    if plan.namespaces:
        os.waitpid(helper, 0)
    try:
        kernel_pid = int(answer)
        pidfd = os.pidfd_open(kernel_pid) if hasattr(os, "pidfd_open") else -1
    except (ValueError, OSError) as exc:
        parent_sock.close()
        os.close(out_r)
        protocol.send(control, {"ok": False, "error": answer or str(exc)})
        return
    fds = [parent_sock.fileno(), out_r] + ([pidfd] if pidfd >= 0 else [])
    try:
        socket.send_fds(control, [protocol.encode({"ok": True, "pid": kernel_pid})], fds)
    finally:
        parent_sock.close()
        os.close(out_r)
        if pidfd >= 0:
            os.close(pidfd)


def reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[0]))
    # Paths come over the socket, not argv or the environment: kernels inherit this process's
    # memory, including its command line and initial environment (/proc/self/cmdline, environ).
    setup = protocol.recv(control) or {}
    root_dir, project_dir = setup["root_dir"], setup["project_dir"]
    os.environ["MPLCONFIGDIR"] = setup["mpl_dir"]
    isolation.die_with_parent()
    started = time.monotonic()
    plan = isolation.enter_parent_namespaces()
    if plan.namespaces:
        # The first child in the new PID namespace is its init: that is the real zygote. This
        # process only waits, so that killing it (the runner's child) ends everything.
        zygote = os.fork()
        if zygote:
            control.close()
            _pid, status = os.waitpid(zygote, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        isolation.die_with_parent()
    else:
        isolation.become_subreaper()
    warm_up()
    plan = isolation.prepare_parent(plan, root_dir, project_dir)
    gc.collect()
    gc.freeze()  # kernels then share these objects' pages instead of copying them
    protocol.send(
        control,
        {
            "ok": True,
            "plan": {
                "root": plan.root,
                "namespaces": plan.namespaces,
                "user_namespace": plan.user_namespace,
                "distinct_uid": plan.distinct_uid,
                "notes": plan.notes,
            },
            "warm_seconds": round(time.monotonic() - started, 3),
            "pid_namespace": os.getpid() == 1,
        },
    )
    while True:
        readable, _, _ = select.select([control], [], [], 1.0)
        reap()
        if not readable:
            continue
        try:
            request = protocol.recv(control)
        except (OSError, protocol.ProtocolError):
            break
        if request is None:
            break
        if request.get("op") == "spawn":
            try:
                spawn(control, request, plan)
            except OSError as exc:
                protocol.send(control, {"ok": False, "error": str(exc)})
    sys.exit(0)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        pass
    except Exception:
        sys.stderr.write(json.dumps({"zygote_error": traceback.format_exc()}) + "\n")
        raise
