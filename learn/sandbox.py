"""The one module of the site that talks to the sandbox runner (the `sandbox` package).

Everything the runner sends is data: length-prefixed JSON frames, whose outputs are checked
again here (types, sizes, PNG signatures) before the site uses them. Nothing is unpickled or
evaluated.

With one runner (SANDBOX_SOCKET, the default) every kernel lives there. With several
(SANDBOX_RUNNERS = tcp://host:port,…) a kernel is placed on the least-loaded reachable host and
stays there (KernelPlacement); when its host disappears the learner gets a fresh kernel on
another host and a message saying the state was lost.
"""

import base64
import binascii
import contextlib
import functools
import hmac
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sandbox import protocol

from . import checklib

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
DOWN_SECONDS = 30  # how long a host that failed is skipped
LOAD_SECONDS = 5  # how long a host's load figure is trusted
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LIMIT_SETTINGS = (
    "CPU_SECONDS",
    "WALL_SECONDS",
    "MEMORY_MB",
    "OUTPUT_BYTES",
    "MAX_FIGURES",
    "FIGURE_BYTES",
    "SCRATCH_MB",
    "KERNELS_PER_VISITOR",
    "MAX_KERNELS",
    "IDLE_SECONDS",
    "MIN_FREE_MB",
    "MEMBER_RESERVE_PERCENT",
    "KERNELS_PER_CLIENT",
    "RECENT_SECONDS",
    "CGROUP_MEMORY_MB",
    "CGROUP_TOTAL_MB",
    "CPU_SHARES",
)

LOST_HOST_MESSAGE = (
    "The machine that ran your kernel went away, so you have a fresh kernel and the variables "
    "of earlier cells are gone. Run the cells above this one again, starting with the setup cell."
)
UNAVAILABLE_MESSAGE = "The code runner is not available right now. Try again in a minute."


class RunnerUnavailableError(Exception):
    """No runner could be reached."""


# -- who and where ------------------------------------------------------------------------------
def kernel_ids(learner: str, track: str, part: str) -> tuple[str, str]:
    """(kernel id, owner id) for a learner's kernel on a part: keyed hashes, so the runner and
    the placement table never hold a session key."""
    space = settings.SANDBOX_KERNEL_NAMESPACE
    owner = salted_hmac("learn.sandbox.owner", f"{space}|{learner}").hexdigest()[:32]
    kernel = salted_hmac("learn.sandbox.kernel", f"{space}|{learner}|{track}/{part}")
    return kernel.hexdigest()[:32], owner


def runner_addresses() -> list[str]:
    """Every runner the site may use, as unix:// or tcp:// addresses."""
    if settings.SANDBOX_RUNNERS:
        return list(settings.SANDBOX_RUNNERS)
    return [f"unix://{settings.SANDBOX_SOCKET}"]


def _connect(address: str, timeout: float | None) -> socket.socket:
    if address.startswith("unix://"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: Any = address[len("unix://") :]
    elif address.startswith("tcp://"):
        host, _, port = address[len("tcp://") :].rpartition(":")
        sock = socket.socket(
            socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, socket.SOCK_STREAM
        )
        target = (host.strip("[]"), int(port))
    else:
        raise RunnerUnavailableError(f"unknown runner address {address!r}")
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        sock.connect(target)
    except OSError as exc:
        sock.close()
        raise RunnerUnavailableError(f"{address}: {exc}") from None
    sock.settimeout(timeout)
    return sock


def _frames(address: str, payload: dict, *, timeout: float | None = 10) -> Iterator[dict]:
    """Send one request and yield the runner's frames until it closes the connection."""
    sock = _connect(address, timeout)
    try:
        if address.startswith("tcp://"):
            hello = protocol.recv(sock)
            challenge = str((hello or {}).get("challenge", ""))
            payload = {
                **payload,
                "auth": hmac.new(
                    settings.SANDBOX_TOKEN.encode(), challenge.encode(), "sha256"
                ).hexdigest(),
            }
        protocol.send(sock, payload)
        while True:
            frame = protocol.recv(sock)
            if frame is None:
                return
            yield frame
    except (OSError, protocol.ProtocolError) as exc:
        raise RunnerUnavailableError(f"{address}: {exc}") from None
    finally:
        sock.close()


def _call(address: str, payload: dict, *, timeout: float = 10) -> dict:
    for frame in _frames(address, payload, timeout=timeout):
        return frame
    raise RunnerUnavailableError(f"{address}: no answer")


def _mark_down(address: str) -> None:
    cache.set(f"sandbox:down:{address}", True, DOWN_SECONDS)


def _is_down(address: str) -> bool:
    return bool(cache.get(f"sandbox:down:{address}"))


def runner_status(address: str) -> dict:
    """The runner's own report: isolation layers, kernels, load, limits."""
    status = _call(address, {"op": "status"}, timeout=5)
    kernels, capacity = status.get("kernels"), status.get("max_kernels")
    if not isinstance(kernels, int) or not isinstance(capacity, int) or capacity < 1:
        raise RunnerUnavailableError(f"{address}: the status makes no sense")
    load = (kernels, capacity)
    cache.set(f"sandbox:load:{address}", load, LOAD_SECONDS)
    return status


def all_status() -> list[dict]:
    """One entry per configured runner: its status, or why it could not be reached."""
    result = []
    for address in runner_addresses():
        try:
            result.append({"address": address, "ok": True, **runner_status(address)})
        except RunnerUnavailableError as exc:
            result.append({"address": address, "ok": False, "error": str(exc)})
    return result


def _load(address: str) -> float:
    """Share of a host's kernel slots in use (cached for a few seconds)."""
    load = cache.get(f"sandbox:load:{address}")
    if load is None:
        runner_status(address)
        load = cache.get(f"sandbox:load:{address}", (1, 1))
    kernels, capacity = load
    return kernels / capacity


def _count_new_kernel(address: str) -> None:
    """Add the kernel just placed to the cached load, so the next placement sees it."""
    load = cache.get(f"sandbox:load:{address}")
    if load is not None:
        cache.set(f"sandbox:load:{address}", (load[0] + 1, load[1]), LOAD_SECONDS)


def _least_loaded(exclude: set[str]) -> str:
    best, best_load = None, None
    for address in runner_addresses():
        if address in exclude or _is_down(address):
            continue
        try:
            load = _load(address)
        except RunnerUnavailableError:
            _mark_down(address)
            continue
        if best_load is None or load < best_load:
            best, best_load = address, load
    if best is None:
        raise RunnerUnavailableError("no runner host is reachable")
    return best


def _placed_host(kernel_id: str) -> str | None:
    from learn.models import KernelPlacement

    placement = KernelPlacement.objects.filter(kernel_id=kernel_id).only("host").first()
    return placement.host if placement else None


def _place(kernel_id: str, owner: str, exclude: set[str]) -> str:
    """Choose a host for a new kernel and remember it; retire the learner's oldest kernel when
    they have too many."""
    from learn.models import KernelPlacement

    host = _least_loaded(exclude)
    _count_new_kernel(host)
    KernelPlacement.objects.filter(kernel_id=kernel_id).delete()
    # Kernels idle this long were culled by their runner: their rows are only history.
    stale = timezone.now() - timedelta(seconds=max(2 * settings.SANDBOX_IDLE_SECONDS, 3600))
    KernelPlacement.objects.filter(used_at__lt=stale).delete()
    try:
        KernelPlacement.objects.create(kernel_id=kernel_id, owner=owner, host=host)
    except IntegrityError:  # another request placed it first: use that
        return _placed_host(kernel_id) or host
    extra = KernelPlacement.objects.filter(owner=owner).order_by("-used_at")[
        settings.SANDBOX_KERNELS_PER_VISITOR :
    ]
    for old in list(extra):
        old.delete()
        with contextlib.suppress(RunnerUnavailableError):
            _call(old.host, {"op": "shutdown", "kernel": old.kernel_id})
    return host


def _touch(kernel_id: str) -> None:
    from learn.models import KernelPlacement

    now = timezone.now()
    KernelPlacement.objects.filter(
        kernel_id=kernel_id, used_at__lt=now - timedelta(seconds=60)
    ).update(used_at=now)


def _host_for(kernel_id: str, owner: str) -> tuple[str, bool]:
    """(host, whether the kernel's earlier host is gone) for a kernel; with a single runner,
    always that one."""
    addresses = runner_addresses()
    if len(addresses) == 1:
        return addresses[0], False
    host = _placed_host(kernel_id)
    if host is not None and host in addresses and not _is_down(host):
        _touch(kernel_id)
        return host, False
    return _place(kernel_id, owner, exclude=set()), host is not None


def _forget(kernel_id: str) -> None:
    from learn.models import KernelPlacement

    KernelPlacement.objects.filter(kernel_id=kernel_id).delete()


# -- checking what comes back -------------------------------------------------------------------
def png_bytes(output: dict) -> bytes | None:
    """The PNG of a display_data output, if it really is one."""
    encoded = (output.get("data") or {}).get("image/png")
    if not isinstance(encoded, str):
        return None
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        return None
    if len(png) > settings.SANDBOX_FIGURE_BYTES:
        return None
    return png


def clean_output(output: Any) -> dict | None:
    """An nbformat-4 output object built only from checked fields, or None."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text")
        if output.get("name") in ("stdout", "stderr") and isinstance(text, str):
            return {"output_type": "stream", "name": output["name"], "text": text}
    elif kind == "execute_result":
        text = (output.get("data") or {}).get("text/plain")
        count = output.get("execution_count")
        if isinstance(text, str):
            return {
                "output_type": "execute_result",
                "execution_count": count if isinstance(count, int) else None,
                "data": {"text/plain": text},
                "metadata": {},
            }
    elif kind == "display_data":
        png = png_bytes(output)
        if png is not None:
            title = (output.get("metadata") or {}).get("title")
            return {
                "output_type": "display_data",
                "data": {"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"},
                "metadata": {"title": title[:200] if isinstance(title, str) else ""},
            }
    elif kind == "error":
        lines = output.get("traceback")
        error = {
            "output_type": "error",
            "ename": str(output.get("ename", "Error"))[:200],
            "evalue": str(output.get("evalue", ""))[:2000],
            "traceback": [line for line in lines if isinstance(line, str)][:2000]
            if isinstance(lines, list)
            else [],
        }
        debug = clean_debug(output.get("debug"))
        if debug:
            error["debug"] = debug
        return error
    return None


# -- the shape debugger's findings (sandbox/shapedebug.py), checked field by field ---------------
def _int(value: Any, low: int = 0, high: int = 1_000_000) -> int | None:
    return value if type(value) is int and low <= value <= high else None


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _shape(value: Any) -> list[int] | None:
    if not isinstance(value, list) or len(value) > 32:
        return None
    if not all(type(size) is int and -1 <= size < 2**62 for size in value):
        return None
    return list(value)


def _operand(value: Any) -> dict | None:
    if not isinstance(value, dict):
        return None
    return {
        "expr": _text(value.get("expr"), 200),
        "shape": _shape(value.get("shape")),
        "dtype": _text(value.get("dtype"), 40),
    }


def _finding(value: Any) -> dict | None:
    if not isinstance(value, dict):
        return None
    operands = value.get("operands")
    finding = {
        "expr": _text(value.get("expr"), 200),
        "op": _text(value.get("op"), 20),
        "operands": [o for o in map(_operand, operands[:8]) if o]
        if isinstance(operands, list)
        else [],
    }
    for side in ("left", "right"):
        if value.get(side) is not None:
            finding[side] = _shape(value.get(side))
    if _int(value.get("axis"), -32, 32) is not None:
        finding["axis"] = value["axis"]
    return finding


def clean_debug(debug: Any) -> dict | None:
    """The kernel's description of a failing line (positions, operand shapes and dtypes,
    similar names), rebuilt from checked fields only; None if there is nothing usable."""
    if not isinstance(debug, dict):
        return None
    clean: dict[str, Any] = {
        "filename": _text(debug.get("filename"), 80),
        "line": _text(debug.get("line"), 500),
    }
    for key in ("lineno", "col", "end_col"):
        if _int(debug.get(key)) is not None:
            clean[key] = debug[key]
    shapes = debug.get("shapes")
    if isinstance(shapes, list):
        clean["shapes"] = [f for f in map(_finding, shapes[:4]) if f]
    similar = debug.get("similar")
    if isinstance(similar, list):
        clean["similar"] = [
            name for name in similar[:5] if isinstance(name, str) and name.isidentifier()
        ][:5]
        clean["similar"] = [name[:64] for name in clean["similar"]]
    callee = _operand(debug.get("callee"))
    if callee:
        clean["callee"] = callee
    return clean


def _kernel(value: Any, default_state: str) -> dict:
    value = value if isinstance(value, dict) else {}
    missing = value.get("missing")
    return {
        "state": str(value.get("state", default_state))[:20],
        "isolation": str(value.get("isolation", "none"))[:20],
        "missing": [str(m) for m in missing][:32] if isinstance(missing, list) else [],
    }


def _unavailable(message: str = UNAVAILABLE_MESSAGE) -> dict:
    return {
        "t": "result",
        "status": "error",
        "execution_count": 0,
        "duration_ms": 0,
        "message": message,
        "limit": None,
        "rerun": [],
        "kernel": {"state": "unavailable", "isolation": "none", "missing": []},
    }


# -- the operations the views use --------------------------------------------------------------
def run_cell(
    *,
    learner: str,
    track: str,
    part: str,
    cell_id: str,
    code: str,
    filename: str,
    learner_name: str,
    require_full_isolation: bool,
    tier: str = "visitor",
    client: str = "",
    hold_if_new: bool = False,
    check: dict | None = None,
) -> Iterator[dict]:
    """Run a cell in the learner's kernel for a part. Yields {"t": "state"}, {"t": "output"}
    events as they happen and always ends with one {"t": "result"} event.

    `tier` ("member" | "visitor") and `client` (the address key) let the runner evict fairly.
    With `hold_if_new`, a runner that had to start a new kernel answers status "held" without
    running the code (its "reason" says why the old kernel went), so the site can replay the
    learner's earlier cells first (learn.replay). With `check` ({"source", "library"}; see
    check_exercise) the runner checks the code after running it."""
    kernel_id, owner = kernel_ids(learner, track, part)
    payload = {
        "op": "run",
        "kernel": kernel_id,
        "owner": owner,
        "cell": cell_id,
        "code": code,
        "filename": filename,
        "names": {"LEARNER_NAME": learner_name},
        "require_full": require_full_isolation,
        "tier": "member" if tier == "member" else "visitor",
        "client": client[:64],
        "hold_if_new": hold_if_new,
    }
    if check is not None:  # an exercise's answer: the same run, then its check
        payload.update(op="check", check=check)
    yield from _run(payload, kernel_id=kernel_id, owner=owner)


def exercise_check(check_source: str) -> dict:
    """The `check` argument of `run_cell` for an exercise: its code then runs like a cell and,
    if it ran without error, the check runs in the same kernel. The final {"t": "result"} event
    carries "verdict": {"status": "pass"|"fail"|"crashed", "message", "detail"} or None when
    the check did not run."""
    return {"source": check_source, "library": checklib_source()}


@functools.cache
def checklib_source() -> str:
    """The text of learn/checklib.py, which the kernel executes into a namespace of its own."""
    return Path(checklib.__file__).read_text(encoding="utf-8")


def _run(payload: dict, *, kernel_id: str, owner: str) -> Iterator[dict]:
    timeout = settings.SANDBOX_WALL_SECONDS + 30
    single = len(runner_addresses()) == 1
    try:
        host, lost_host = _host_for(kernel_id, owner)
    except RunnerUnavailableError as exc:
        log.warning("sandbox unavailable: %s", exc)
        yield _unavailable()
        return
    tried = {host}
    while True:
        started = False
        try:
            for frame in _frames(host, payload, timeout=timeout):
                started = True
                event = _event(frame)
                if event is None:
                    continue
                final = event["t"] == "result"
                if final and lost_host and event["status"] == "held":
                    event["reason"] = "host-lost"
                elif final and lost_host:
                    event["kernel"]["state"] = "lost"
                    event["message"] = (LOST_HOST_MESSAGE + " " + event["message"]).strip()
                yield event
                if final:
                    return
            raise RunnerUnavailableError(f"{host}: closed before the result")
        except RunnerUnavailableError as exc:
            log.warning("sandbox runner %s failed: %s", host, exc)
            _mark_down(host)
            if single:
                yield _unavailable()
                return
            if started:  # the host went away in the middle of the run
                _forget(kernel_id)
                yield {**_unavailable(LOST_HOST_MESSAGE), "kernel": _kernel({}, "lost")}
                return
            # The kernel's host is unreachable: a fresh kernel elsewhere.
            lost_host = lost_host or _placed_host(kernel_id) == host
            try:
                host = _place(kernel_id, owner, exclude=tried)
            except RunnerUnavailableError:
                yield _unavailable()
                return
            tried.add(host)


def _event(frame: dict) -> dict | None:
    """A runner frame as an event for the view, checked; None for anything unknown."""
    kind = frame.get("t")
    if kind == "state":
        return {"t": "state", "state": str(frame.get("state", ""))[:20]}
    if kind == "output":
        output = clean_output(frame.get("output"))
        return {"t": "output", "output": output} if output is not None else None
    if kind == "result":
        return _result(frame)
    if kind == "error":
        return _unavailable(str(frame.get("message", UNAVAILABLE_MESSAGE))[:500])
    return None


def _verdict(value: Any) -> dict | None:
    if not isinstance(value, dict) or value.get("status") not in ("pass", "fail", "crashed"):
        return None
    return {
        "status": value["status"],
        "message": str(value.get("message") or "")[:2000],
        "detail": str(value.get("detail") or "")[:8000],
    }


def _result(frame: dict) -> dict:
    status = frame.get("status")
    rerun = frame.get("rerun")
    result = {
        "t": "result",
        "status": status if status in ("ok", "error", "limit", "held") else "error",
        "execution_count": frame.get("execution_count")
        if isinstance(frame.get("execution_count"), int)
        else 0,
        "duration_ms": frame.get("duration_ms")
        if isinstance(frame.get("duration_ms"), int | float)
        else 0,
        "message": str(frame.get("message") or "")[:2000],
        "limit": str(frame["limit"])[:20] if frame.get("limit") else None,
        "rerun": [str(cell)[:64] for cell in rerun][:200] if isinstance(rerun, list) else [],
        "kernel": _kernel(frame.get("kernel"), "ready"),
        **({"reason": str(frame.get("reason") or "")[:40]} if status == "held" else {}),
    }
    verdict = _verdict(frame.get("verdict"))
    if verdict is not None:  # only a check answers with a verdict
        result["verdict"] = verdict
    return result


def _kernel_call(op: str, *, learner: str, track: str, part: str) -> dict:
    kernel_id, _owner = kernel_ids(learner, track, part)
    addresses = runner_addresses()
    host = addresses[0] if len(addresses) == 1 else _placed_host(kernel_id)
    if host is None:
        return {"state": "cold", "isolation": "none", "missing": []}
    try:
        return _kernel(_call(host, {"op": op, "kernel": kernel_id}), "cold")
    except RunnerUnavailableError as exc:
        log.warning("sandbox %s failed: %s", op, exc)
        _mark_down(host)
        return {"state": "unavailable", "isolation": "none", "missing": []}


def kernel_restart(*, learner: str, track: str, part: str) -> dict:
    """Stop the learner's kernel for a part; the next run starts a fresh one."""
    return _kernel_call("restart", learner=learner, track=track, part=part)


def kernel_interrupt(*, learner: str, track: str, part: str) -> dict:
    """Interrupt the cell the learner's kernel is running (it is stopped if it will not)."""
    return _kernel_call("interrupt", learner=learner, track=track, part=part)


def kernel_variables(*, learner: str, track: str, part: str) -> list[dict]:
    """The learner's own kernel for a part, summarised for the tutor: [{"name", "type",
    "shape"?, "dtype"?, "len"?, "value"? (small scalars only)}]. Empty when there is no
    kernel, it is busy, or the runner cannot be reached."""
    kernel_id, owner = kernel_ids(learner, track, part)
    addresses = runner_addresses()
    host = addresses[0] if len(addresses) == 1 else _placed_host(kernel_id)
    if host is None:
        return []
    payload = {"op": "inspect", "kernel": kernel_id, "owner": owner}
    try:
        answer = _call(host, payload, timeout=5)
    except RunnerUnavailableError as exc:
        log.warning("sandbox inspect failed: %s", exc)
        return []
    return [_variable(item) for item in answer.get("variables") or [] if isinstance(item, dict)][
        :100
    ]


def _variable(item: dict) -> dict:
    entry = {"name": str(item.get("name", ""))[:60], "type": str(item.get("type", ""))[:60]}
    shape = item.get("shape")
    if isinstance(shape, list) and all(isinstance(n, int) for n in shape):
        entry["shape"] = tuple(shape[:32])
        entry["dtype"] = str(item.get("dtype", ""))[:40]
    if isinstance(item.get("value"), str):
        entry["value"] = item["value"][:40]
    if isinstance(item.get("len"), int):
        entry["len"] = item["len"]
    return entry


def learner_name(request: HttpRequest) -> str:
    """What LEARNER_NAME holds in a kernel: the member's name, or "Learner"."""
    user = request.user
    if user.is_authenticated:
        profile = getattr(user, "profile", None)
        if profile is not None:
            return profile.name
        return user.get_username()
    return "Learner"


# -- starting a runner from the site (make run, tests) ------------------------------------------
def runner_environment() -> dict[str, str]:
    """The environment for a runner the site starts: the limits, and nothing secret."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in LIMIT_SETTINGS:
        env[f"SANDBOX_{name}"] = str(getattr(settings, f"SANDBOX_{name}"))
    if settings.SANDBOX_ALLOW_PARTIAL_ISOLATION:
        env["SANDBOX_ALLOW_PARTIAL_ISOLATION"] = "true"
    return env


def start_runner(
    *, socket_path: Path, state_dir: Path, env: dict | None = None, timeout: float = 120
) -> subprocess.Popen:
    """Start `python -m sandbox serve` on a Unix socket and wait until it is ready."""
    socket_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "serve",
            "--socket",
            str(socket_path),
            "--state-dir",
            str(state_dir),
            "--die-with-parent",
        ],
        cwd=settings.BASE_DIR,
        env=env or runner_environment(),
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + timeout
    line = process.stdout.readline() if process.stdout else ""
    if '"ready": true' not in line or time.monotonic() > deadline:
        process.kill()
        raise RunnerUnavailableError(f"the runner did not start: {line.strip() or process.wait()}")
    return process
