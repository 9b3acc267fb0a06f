"""What runs inside a kernel, after isolation: execute cells and send their outputs.

Everything here runs in the same process as the learner's code, so none of it is trusted by the
runner: the runner re-checks sizes, counts and types of whatever arrives. The limits applied
here only make the normal case tidy (a loop that prints a million lines stops sending early).
"""

import ast
import base64
import builtins
import io
import linecache
import os
import signal
import sys
import threading
import time
import traceback

from . import protocol, shapedebug

FLUSH_SECONDS = 0.05  # send buffered output at least this often while a cell runs
FLUSH_BYTES = 16 * 1024
REPR_CHARS = 20_000  # longest value of a last expression shown in full
TRACEBACK_CHARS = 20_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class OutputStream(io.TextIOBase):
    """sys.stdout / sys.stderr of a kernel: text goes to the runner while a cell runs."""

    def __init__(self, kernel: "Kernel", name: str):
        super().__init__()
        self._kernel = kernel
        self._name = name

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "replace"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("cell output has no file descriptor")

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._kernel.stream(self._name, text)
        return len(text)

    def flush(self) -> None:
        self._kernel.flush_streams()


def _no_input(prompt: str = "") -> str:
    raise RuntimeError("input() is not available in lesson cells: set the value in the code.")


class Kernel:
    """One learner's interpreter state and the loop that serves the runner's requests."""

    def __init__(self, sock, *, limits: dict, names: dict):
        self.sock = sock
        self.limits = limits
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, **names}
        self.lock = threading.Lock()
        self.execution_count = 0
        self.running = False
        self.in_user_code = False
        # Ctrl-C that arrived while the kernel was between the request and the learner's code:
        # honoured as soon as that code starts, instead of being lost.
        self.interrupt_pending = False
        self._buffer: list[tuple[str, str]] = []
        self._buffered = 0
        self._last_flush = 0.0
        self.sent_bytes = 0
        self.truncated = False
        self.figures = 0
        self.skipped_figures = 0
        self.out_of_memory = False

    # -- frames -------------------------------------------------------------------------------
    def send(self, message: dict) -> None:
        with self.lock:
            protocol.send(self.sock, message)

    # -- text output --------------------------------------------------------------------------
    def stream(self, name: str, text: str) -> None:
        if not self.running or not text:
            return  # output from a background thread between runs goes nowhere
        if self.truncated:
            return
        room = self.limits["output_bytes"] - self.sent_bytes - self._buffered
        data = text.encode("utf-8", "replace")
        if len(data) > room:
            text = data[: max(room, 0)].decode("utf-8", "ignore")
            data = text.encode()
            self.truncated = True
        if data:
            with self.lock:
                self._buffer.append((name, text))
                self._buffered += len(data)
        if (
            self.truncated
            or self._buffered >= FLUSH_BYTES
            or time.monotonic() - self._last_flush >= FLUSH_SECONDS
        ):
            self.flush_streams()

    def flush_streams(self) -> None:
        with self.lock:
            buffer, self._buffer = self._buffer, []
            self.sent_bytes += self._buffered
            self._buffered = 0
            self._last_flush = time.monotonic()
            merged: list[list[str]] = []
            for name, text in buffer:
                if merged and merged[-1][0] == name:
                    merged[-1][1] += text
                else:
                    merged.append([name, text])
            for name, text in merged:
                output = {"output_type": "stream", "name": name, "text": text}
                protocol.send(self.sock, {"t": "output", "output": output})

    # -- figures ------------------------------------------------------------------------------
    def flush_figures(self) -> None:
        """Send every open matplotlib figure as a PNG (what plt.show() does here), then close
        them all."""
        import matplotlib.pyplot as plt

        self.flush_streams()
        for number in plt.get_fignums():
            figure = plt.figure(number)
            try:
                if self.figures >= self.limits["max_figures"]:
                    self.skipped_figures += 1
                    continue
                png, title = self._render(figure)
                if png is None:
                    continue
                self.figures += 1
                self.send(
                    {
                        "t": "output",
                        "output": {
                            "output_type": "display_data",
                            "data": {
                                "image/png": base64.b64encode(png).decode(),
                                "text/plain": f"<Figure {self.figures}>",
                            },
                            "metadata": {"title": title},
                        },
                    }
                )
            finally:
                plt.close(figure)

    def _render(self, figure) -> tuple[bytes | None, str]:
        width, height = figure.get_size_inches()
        dpi = float(figure.dpi)
        pixels = width * height * dpi * dpi
        if pixels > self.limits["figure_pixels"]:
            dpi *= (self.limits["figure_pixels"] / pixels) ** 0.5
        titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
        suptitle = getattr(figure, "_suptitle", None)
        if suptitle is not None and suptitle.get_text():
            titles.insert(0, suptitle.get_text())
        title = "; ".join(titles)[:200]
        buffer = io.BytesIO()
        try:
            if dpi < 1:
                raise ValueError(f"the figure is {width:.0f}×{height:.0f} inches")
            figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        except Exception as exc:  # noqa: BLE001 (any drawing error is the learner's to see)
            self.out_of_memory = self.out_of_memory or isinstance(exc, MemoryError)
            self.stream("stderr", f"A figure could not be drawn: {type(exc).__name__}: {exc}\n")
            return None, title
        png = buffer.getvalue()
        if len(png) > self.limits["figure_bytes"]:
            self.stream(
                "stderr",
                f"A figure was not shown: its PNG is {len(png) / 1048576:.1f} MiB, over the "
                f"{self.limits['figure_bytes'] / 1048576:.0f} MiB limit. Use fewer points or a "
                "smaller figsize.\n",
            )
            return None, title
        return png, title

    # -- running cells ------------------------------------------------------------------------
    def execute(self, code: str, filename: str) -> dict | None:
        """Run a cell's code in the kernel's namespace; return the error output, if any."""
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        try:
            tree = ast.parse(code, filename, "exec")
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            body = compile(tree, filename, "exec", dont_inherit=True)
            final = compile(last, filename, "eval", dont_inherit=True) if last else None
        except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError) as exc:
            return self._error(exc)
        try:
            self.in_user_code = True
            if self.interrupt_pending:
                self.interrupt_pending = False
                raise KeyboardInterrupt
            exec(body, self.namespace)  # noqa: S102 (running the learner's code is the point)
            value = eval(final, self.namespace) if final else None  # noqa: S307
            self.in_user_code = False
        except BaseException as exc:  # noqa: BLE001 (SystemExit and Ctrl-C included)
            self.in_user_code = False
            return self._error(exc)
        if value is not None:
            self.namespace["_"] = value
            text = self._repr(value)
            self.flush_streams()
            self.stream_result(text)
        return None

    def stream_result(self, text: str) -> None:
        room = self.limits["output_bytes"] - self.sent_bytes
        data = text.encode("utf-8", "replace")
        if len(data) > room:
            text = data[: max(room, 0)].decode("utf-8", "ignore")
            self.truncated = True
        self.sent_bytes += len(text.encode())
        self.send(
            {
                "t": "output",
                "output": {
                    "output_type": "execute_result",
                    "execution_count": self.execution_count,
                    "data": {"text/plain": text},
                    "metadata": {},
                },
            }
        )

    def _repr(self, value) -> str:
        try:
            self.in_user_code = True
            text = repr(value)
        except BaseException as exc:  # noqa: BLE001
            try:
                text = f"<repr failed: {type(exc).__name__}: {exc}>"
            except BaseException:  # noqa: BLE001 (its __str__ is the learner's too)
                text = f"<repr failed: {type(exc).__name__}>"
        finally:
            self.in_user_code = False
        if not isinstance(text, str):
            text = "<repr did not return text>"
        if len(text) > REPR_CHARS:
            text = text[:REPR_CHARS] + f"… ({len(text) - REPR_CHARS} more characters)"
        return text

    def _error(self, exc: BaseException) -> dict:
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename.startswith("<cell ")
        ]
        lines = []
        if frames:
            lines.append("Traceback (most recent call last):\n")
            lines += traceback.StackSummary.from_list(frames).format()
        try:
            lines += traceback.format_exception_only(type(exc), exc)
            evalue = str(exc)
        except BaseException:  # noqa: BLE001 (a hostile __str__, even one raising SystemExit)
            evalue = "<unprintable>"
            lines.append(f"{type(exc).__name__}: <unprintable>\n")
        text = "".join(lines)
        if len(text) > TRACEBACK_CHARS:
            text = text[: TRACEBACK_CHARS // 2] + "\n…\n" + text[-TRACEBACK_CHARS // 2 :]
        error = {
            "output_type": "error",
            "ename": type(exc).__name__,
            "evalue": evalue[:2000],
            "traceback": text.splitlines(),
        }
        try:
            debug = shapedebug.describe(exc)
        except BaseException:  # noqa: BLE001 (the debugger must never hide the learner's error)
            debug = None
        if debug:
            error["debug"] = debug
        return error

    def run(self, message: dict) -> None:
        self.execution_count += 1
        self.running = True
        self.sent_bytes = self._buffered = 0
        self.truncated = False
        self.figures = self.skipped_figures = 0
        self.out_of_memory = False
        self._last_flush = time.monotonic()
        code = message.get("code", "")
        filename = message.get("filename") or f"<cell {self.execution_count}>"
        error = self.execute(code, filename)
        check = message.get("check")
        verdict = self.check(check) if isinstance(check, dict) and error is None else None
        try:
            self.in_user_code = True
            self.flush_figures()
        except BaseException as exc:  # noqa: BLE001
            error = error or self._error(exc)
        finally:
            self.in_user_code = False
        self.flush_streams()
        self.running = False
        if error:
            self.send({"t": "output", "output": error})
        self.send(
            {
                "t": "done",
                "ok": error is None,
                "ename": error["ename"] if error else None,
                "execution_count": self.execution_count,
                "truncated": self.truncated,
                "skipped_figures": self.skipped_figures,
                "out_of_memory": self.out_of_memory,
                "verdict": verdict,
            }
        )
        self.interrupt_pending = False  # a late Ctrl-C belongs to this run, not the next one

    # -- exercise checks ----------------------------------------------------------------------
    def check(self, request: dict) -> dict:
        """Run an exercise's check against the learner's globals, before figures are closed.

        The check library is executed into a dict of its own, so nothing the learner defined or
        rebound (`check`, `expect_close`, NumPy's functions) reaches the verdict: NumPy and the
        builtins are put back as they were when the kernel started while the check runs.
        """
        library, source = request.get("library"), request.get("source")
        if not isinstance(library, str) or not isinstance(source, str):
            return {"status": "crashed", "detail": "bad check request"}
        self.flush_streams()
        try:
            self.in_user_code = True
            with _pristine():
                helpers: dict = {"__name__": "checklib", "__builtins__": builtins}
                exec(compile(library, "<checklib>", "exec"), helpers)  # noqa: S102
                message = helpers["run_check"](source, self.namespace, "<check>")
            self.in_user_code = False
        except KeyboardInterrupt:
            self.in_user_code = False
            return {"status": "interrupted"}
        except BaseException as exc:  # noqa: BLE001 - a crashing check is our bug, not theirs
            self.in_user_code = False
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            return {"status": "crashed", "detail": detail[-TRACEBACK_CHARS // 4 :]}
        if message is None:
            return {"status": "pass"}
        return {"status": "fail", "message": str(message)[:2000]}

    def serve(self) -> None:
        """Answer the runner until it hangs up."""
        while True:
            try:
                message = protocol.recv(self.sock)
            except (OSError, protocol.ProtocolError):
                message = None
            if message is None:
                os._exit(0)
            if message.get("op") == "run":
                self.run(message)
            elif message.get("op") == "ping":
                self.send({"t": "pong"})
            elif message.get("op") == "inspect":
                self.send({"t": "inspect", "variables": summarise(self.namespace)})


INSPECT_NAMES = 100  # variables listed at most
SMALL_INT = 10**15  # larger integers are reported without their value


def _one_of(kind: type, kinds: tuple) -> bool:
    # Identity only: `in` would call a learner's metaclass __eq__.
    return any(kind is candidate for candidate in kinds)


def _describe(value) -> dict:
    """Type, and shape/dtype, length or (small scalar) value of one variable. Reads only
    built-in attributes, so no learner-defined method runs."""
    import numpy as np

    kind = type(value)
    entry: dict = {"type": str(type.__dict__["__name__"].__get__(kind))[:60]}
    if issubclass(kind, np.ndarray):
        entry["shape"] = [int(n) for n in np.ndarray.shape.__get__(value)][:32]
        entry["dtype"] = str(np.ndarray.dtype.__get__(value))[:40]
    elif kind is bool or kind is np.bool_:
        entry["value"] = "True" if value else "False"
    elif _one_of(kind, (int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16)):
        number = int(value)
        if -SMALL_INT < number < SMALL_INT:
            entry["value"] = str(number)
    elif _one_of(kind, (float, np.float16, np.float32, np.float64)):
        entry["value"] = repr(float(value))
    elif _one_of(kind, (str, list, tuple, dict, set, frozenset, bytes)):
        entry["len"] = len(value)
    return entry


def summarise(namespace: dict) -> list[dict]:
    """The learner's variables for the tutor: names, types, shapes, values of small scalars
    only. Modules, private names and the kernel's own LEARNER_NAME are left out."""
    import types

    variables = []
    for name, value in list(namespace.items()):
        if type(name) is not str or name.startswith("_") or name == "LEARNER_NAME":
            continue
        if issubclass(type(value), types.ModuleType):
            continue
        try:
            variables.append({"name": name[:60], **_describe(value)})
        except Exception:  # noqa: BLE001 (an odd object is listed by name only)
            variables.append({"name": name[:60], "type": "object"})
        if len(variables) >= INSPECT_NAMES:
            break
    return variables


_PRISTINE: dict = {}  # module → its namespace as the kernel started, before any learner code


def _remember_pristine() -> None:
    import numpy

    for module in (builtins, numpy, numpy.linalg, numpy.random):
        _PRISTINE[module] = dict(vars(module))


class _pristine:  # noqa: N801 - used as `with _pristine():`
    """Put the remembered module attributes back for a while, then the learner's again."""

    def __enter__(self) -> None:
        self.changed: list[tuple[dict, str, object]] = []
        for module, original in _PRISTINE.items():
            namespace = vars(module)
            for name, value in original.items():
                current = namespace.get(name, _MISSING)
                if current is not value:
                    self.changed.append((namespace, name, current))
                    namespace[name] = value

    def __exit__(self, *exc) -> None:
        for namespace, name, value in self.changed:
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


_MISSING = object()


def _interrupt(kernel: Kernel):
    def handler(signum, frame):
        # Only the learner's code is interrupted; a signal that lands while the kernel is
        # sending a frame would corrupt the stream, so it waits until that code starts.
        if kernel.in_user_code:
            raise KeyboardInterrupt
        kernel.interrupt_pending = True

    return handler


def prepare(sock, *, limits: dict, names: dict) -> Kernel:
    """Make this process a kernel: outputs, figures, input() and Ctrl-C."""
    import matplotlib.pyplot as plt

    kernel = Kernel(sock, limits=limits, names=names)
    sys.stdout = sys.__stdout__ = OutputStream(kernel, "stdout")
    sys.stderr = sys.__stderr__ = OutputStream(kernel, "stderr")
    sys.stdin = sys.__stdin__ = io.StringIO("")
    builtins.input = _no_input
    plt.show = lambda *args, **kwargs: kernel.flush_figures()
    signal.signal(signal.SIGINT, _interrupt(kernel))
    _remember_pristine()
    return kernel


def png_ok(data: bytes) -> bool:
    """Whether bytes look like a PNG (signature, then an IHDR chunk)."""
    return data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR"
