"""The attack suite: hostile cells against the real runner.

Each test sends code a visitor could send, asserts that the attack failed, and then that the site
and a neighbour's kernel (another learner, with state set up before the attack) kept working.
Cells print "blocked <reason>" or "ESCAPED <details>" so a failure message says what got out.
"""

import contextlib
import os
import socket
import textwrap
import threading

import pytest
from django.conf import settings

from tests.sandbox.fixtures import UID_RANGE, wait_until
from tests.sandbox.helpers import run, text

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

PROBE = textwrap.dedent(
    """
    def attempt(name, action):
        try:
            result = action()
        except BaseException as exc:
            print("blocked", name, type(exc).__name__)
        else:
            print("ESCAPED", name, repr(result)[:200])
    """
)


@pytest.fixture
def neighbour(sandbox, other_member_client):
    """Another learner whose kernel holds state before the attack and must keep it."""
    assert run(other_member_client, "canary = 'alive'", cell="setup")["status"] == "ok"
    return other_member_client


def assert_unharmed(sandbox, neighbour, attacker) -> None:
    """The runner answers, the neighbour kept its state, and the attacker can run code again."""
    assert sandbox.process.poll() is None
    assert sandbox.status()["isolation"] in ("full", "partial", "none")
    assert text(run(neighbour, "print(canary)")) == "alive\n"
    assert text(run(attacker, "print(6 * 7)")) == "42\n"


def attack(client, code: str) -> tuple[dict, str]:
    answer = run(client, PROBE + textwrap.dedent(code))
    return answer, text(answer)


def assert_all_blocked(printed: str, expected: int) -> None:
    assert "ESCAPED" not in printed, printed
    assert printed.count("blocked") == expected, printed


def test_fork_bomb(sandbox, neighbour, visitor):
    _answer, printed = attack(
        visitor,
        """
        import os
        def bomb():
            while True:
                os.fork()
        attempt("fork", bomb)
        attempt("posix_spawn", lambda: os.posix_spawn("/bin/sh", ["sh"], {}))
        """,
    )
    assert_all_blocked(printed, 2)
    assert_unharmed(sandbox, neighbour, visitor)


def test_thread_bomb(sandbox, neighbour, visitor):
    _answer, printed = attack(
        visitor,
        """
        import threading, time
        started = 0
        def bomb():
            global started
            while True:
                threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
                started += 1
        attempt("threads", bomb)
        print("threads started:", started)
        """,
    )
    assert_all_blocked(printed.split("threads started")[0], 1)
    assert int(printed.split(":")[-1]) < 64
    assert_unharmed(sandbox, neighbour, visitor)


def test_memory_bomb(sandbox, neighbour, visitor):
    answer, printed = attack(
        visitor,
        """
        import numpy as np
        hoard = []
        def bomb():
            while True:
                hoard.append(np.ones(50_000_000))
        attempt("numpy", bomb)
        hoard.clear()
        attempt("bytes", lambda: b"x" * (64 * 1024**3))
        """,
    )
    assert "ESCAPED" not in printed, printed
    if answer["status"] == "limit":  # stopped by the memory limit before it could print
        assert answer["limit"] == "memory", answer
        assert "memory limit" in answer["message"]
    else:  # both allocations failed with MemoryError inside the kernel
        assert_all_blocked(printed, 2)
    assert_unharmed(sandbox, neighbour, visitor)


def test_infinite_loop_in_python(sandbox, neighbour, visitor):
    answer = run(visitor, "while True:\n    pass")
    assert answer["limit"] == "cpu"
    assert_unharmed(sandbox, neighbour, visitor)


def test_infinite_loop_in_c_with_sigxcpu_ignored(sandbox, neighbour, visitor):
    code = (
        "import signal\nimport numpy as np\n"
        "signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "a = np.ones((3000, 3000))\n"
        "while True:\n"
        "    a @ a\n"
    )
    answer = run(visitor, code)
    assert answer["status"] == "limit"
    assert answer["limit"] == "cpu"
    assert answer["kernel"]["state"] == "restarted"
    assert_unharmed(sandbox, neighbour, visitor)


def test_sleep_forever(sandbox, neighbour, short_wall_runner, settings, visitor):
    code = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**9)"
    answer = run(visitor, code)  # on a runner with a 3 s wall-clock limit
    assert answer["limit"] == "wall"
    assert answer["kernel"]["state"] == "restarted"
    assert text(run(visitor, "print(6 * 7)")) == "42\n"
    settings.SANDBOX_SOCKET = sandbox.socket_path  # where the neighbour's kernel is
    assert_unharmed(sandbox, neighbour, visitor)


def test_huge_stdout(sandbox, neighbour, visitor):
    code = "import sys, os\nfor _ in range(100):\n    sys.stdout.write('y' * 10**6)\n"
    answer = run(visitor, code)
    assert answer["limit"] == "output"
    assert len(text(answer).encode()) <= 256 * 1024
    # writing straight to the file descriptor is capped the same way
    answer = run(visitor, "import os\nfor _ in range(50):\n    os.write(1, b'z' * 10**6)")
    assert answer["status"] == "limit"
    assert len(text(answer, "stderr").encode()) <= 256 * 1024 + 200
    assert_unharmed(sandbox, neighbour, visitor)


def test_huge_and_many_figures(sandbox, neighbour, visitor):
    code = (
        "import matplotlib.pyplot as plt\n"
        "for i in range(40):\n"
        "    plt.figure(figsize=(300, 300), dpi=300)\n"
        "    plt.plot(range(1000))\n"
    )
    answer = run(visitor, code)
    assert answer["status"] == "limit"
    assert answer["limit"] in ("figures", "cpu", "wall", "memory")
    shown = [o for o in answer["outputs"] if o["output_type"] == "display_data"]
    assert len(shown) <= 10
    assert_unharmed(sandbox, neighbour, visitor)


def test_disk_fill(sandbox, neighbour, visitor):
    before = os.statvfs("/")
    _answer, printed = attack(
        visitor,
        """
        import os
        def fill(path):
            with open(path, "wb") as fh:
                while True:
                    fh.write(os.urandom(1 << 20))
        attempt("scratch", lambda: fill("/tmp/fill.bin"))
        attempt("home", lambda: fill(os.path.expanduser("~/more.bin")))
        attempt("dev-shm", lambda: fill("/dev/shm/fill.bin"))
        attempt("var-tmp", lambda: fill("/var/tmp/fill.bin"))
        """,
    )
    assert_all_blocked(printed, 4)
    after = os.statvfs("/")
    assert (before.f_bavail - after.f_bavail) * before.f_frsize < 16 * 1024**2
    assert_unharmed(sandbox, neighbour, visitor)


def test_reading_host_files(sandbox, neighbour, visitor):
    base = settings.BASE_DIR
    secrets = [
        "/etc/passwd",
        "/etc/shadow",
        "/root/.bash_history",
        str(base / "agenticworks" / "settings.py"),
        str(base / ".env"),
        str(base / "db.sqlite3"),
        str(base / "learn" / "sandbox.py"),
        str(base / "sandbox" / "server.py"),
        str(base / "manage.py"),
        str(sandbox.log_path),
        "/proc/1/environ",
        "/proc/self/root/etc/hostname",
    ]
    _answer, printed = attack(
        visitor,
        f"""
        import os
        for path in {secrets!r}:
            if path.startswith("/proc/"):
                continue
            attempt(path, lambda: open(path, "rb").read(100))
        attempt("listdir project", lambda: os.listdir({str(base)!r}))
        attempt("listdir root", lambda: os.listdir("/"))
        attempt("listdir etc", lambda: os.listdir("/etc"))
        """,
    )
    assert_all_blocked(printed, len(secrets) - 2 + 3)
    assert_unharmed(sandbox, neighbour, visitor)


def test_proc_shows_no_host_process_and_no_secret(sandbox, neighbour, visitor):
    _answer, printed = attack(
        visitor,
        """
        import os
        pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
        print("pids", pids)
        env = open("/proc/self/environ", "rb").read()
        cmdline = open("/proc/self/cmdline", "rb").read()
        print("env", env)
        print("cmdline", cmdline)
        print("environ", sorted(os.environ))
        """,
    )
    assert "pids [1]" in printed
    for word in ("SECRET", "DJANGO", "TOKEN", "DATABASE", "wt-sandbox", "/work", "runner.sock"):
        assert word not in printed, word
    assert_unharmed(sandbox, neighbour, visitor)


def test_writing_outside_the_scratch_dir(sandbox, neighbour, visitor):
    target = settings.BASE_DIR / "pwned.txt"
    _answer, printed = attack(
        visitor,
        f"""
        for path in [{str(target)!r}, "/usr/lib/pwned", "/etc/pwned", "/pwned", "/proc/pwned",
                     "/work/pwned", "/dev/pwned"]:
            attempt(path, lambda: open(path, "w").write("x"))
        import tempfile  # the kernel's own scratch tmpfs (TMPDIR)
        print("scratch ok", open(tempfile.gettempdir() + "/mine.txt", "w").write("fine"))
        """,
    )
    assert_all_blocked(printed.split("scratch ok")[0], 7)
    assert "scratch ok 4" in printed
    assert not target.exists()
    assert_unharmed(sandbox, neighbour, visitor)


def test_network_is_unreachable(sandbox, neighbour, visitor):
    # A real listener on the host's loopback (standing in for the site) must see no connection.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.settimeout(0.2)
    connections = []

    def accept():
        with contextlib.suppress(OSError):
            connections.append(listener.accept())

    watcher = threading.Thread(target=accept)
    watcher.start()
    unix_path = str(sandbox.socket_path)
    _answer, printed = attack(
        visitor,
        f"""
        import socket, ctypes
        attempt("outside", lambda: socket.create_connection(("203.0.113.7", 80), timeout=2))
        attempt("dns", lambda: socket.getaddrinfo("example.com", 443))
        attempt("site", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2))
        def unix():
            s = socket.socket(socket.AF_UNIX)
            s.connect({unix_path!r})
        attempt("runner socket", unix)
        attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))
        libc = ctypes.CDLL(None, use_errno=True)
        def raw_socket():
            fd = libc.syscall(41, 2, 1, 0)  # socket(AF_INET, SOCK_STREAM) by number
            if fd < 0:
                raise OSError(ctypes.get_errno(), "socket")
            return fd
        attempt("syscall socket", raw_socket)
        """,
    )
    watcher.join()
    listener.close()
    assert_all_blocked(printed, 7)
    assert connections == []
    assert_unharmed(sandbox, neighbour, visitor)


def test_signalling_and_tracing_other_processes(sandbox, neighbour, visitor):
    runner_pid = sandbox.process.pid
    _answer, printed = attack(
        visitor,
        f"""
        import os, signal, ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        def call(nr, *args):
            if libc.syscall(nr, *args) < 0:
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        attempt("kill runner", lambda: os.kill({runner_pid}, signal.SIGKILL))
        def kill_all():
            hits = 0
            for pid in range(2, 70000):
                try:
                    os.kill(pid, signal.SIGKILL)
                    hits += 1
                except ProcessLookupError:
                    pass
            if not hits:
                raise ProcessLookupError("no other process is visible")
            return hits
        attempt("kill every pid", kill_all)
        attempt("ptrace attach", lambda: call(101, 16, {runner_pid}, 0, 0))
        attempt("ptrace traceme", lambda: call(101, 0, 0, 0, 0))
        attempt("process_vm_readv", lambda: call(310, {runner_pid}, 0, 0, 0, 0, 0))
        attempt("pidfd_open", lambda: call(434, {runner_pid}, 0))
        attempt("perf_event_open", lambda: call(298, 0, 0, -1, -1, 0))
        attempt("setuid root", lambda: call(105, 0))
        attempt("kill -1", lambda: (os.kill(-1, signal.SIGKILL), os.kill(-1, 0)))
        """,
    )
    assert_all_blocked(printed, 9)
    assert_unharmed(sandbox, neighbour, visitor)


def test_no_subprocess_or_exec(sandbox, neighbour, visitor):
    _answer, printed = attack(
        visitor,
        """
        import os, subprocess, ctypes
        attempt("subprocess", lambda: subprocess.run(["id"], capture_output=True))
        attempt("system", lambda: (os.system("echo hi > /tmp/s"), open("/tmp/s").read()))
        attempt("popen", lambda: os.popen("id").read() or 1/0)
        attempt("execv", lambda: os.execv("/usr/bin/id", ["id"]))
        attempt("execve python", lambda: os.execve("/usr/bin/python3", ["python3"], {}))
        libc = ctypes.CDLL(None, use_errno=True)
        def execveat():
            return 1 / (libc.syscall(322, -100, b"/usr/bin/id", None, None, 0) + 1)
        attempt("execveat", execveat)
        """,
    )
    assert_all_blocked(printed, 6)
    assert_unharmed(sandbox, neighbour, visitor)


def test_ctypes_tricks(sandbox, neighbour, visitor):
    answer, printed = attack(
        visitor,
        """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def call(name, nr, *args):
            if libc.syscall(nr, *args) < 0:
                raise OSError(ctypes.get_errno(), name)
        attempt("mount", lambda: call("mount", 165, b"none", b"/tmp", b"tmpfs", 0, None))
        attempt("chroot", lambda: call("chroot", 161, b"/tmp"))
        attempt("unshare net", lambda: call("unshare", 272, 0x40000000))
        attempt("setns", lambda: call("setns", 308, 0, 0))
        attempt("keyctl", lambda: call("keyctl", 250, 0, 0, 0))
        attempt("bpf", lambda: call("bpf", 321, 0, 0, 0))
        attempt("io_uring", lambda: call("io_uring_setup", 425, 8, 0))
        attempt("userfaultfd", lambda: call("userfaultfd", 323, 0))
        attempt("open_by_handle", lambda: call("open_by_handle_at", 304, 0, 0, 0))
        attempt("prctl dumpable", lambda: call("prctl", 157, 4, 1, 0, 0, 0))
        attempt("seccomp off", lambda: call("prctl", 157, 22, 0, 0, 0, 0))
        attempt("raise rlimit", lambda: call("setrlimit", 160, 9, None))
        """,
    )
    assert_all_blocked(printed, 12)
    # A foreign system call ABI kills the kernel outright; it is replaced.
    answer = run(visitor, "import ctypes\nctypes.CDLL(None).syscall(0x40000000 + 59, 0, 0, 0)")
    assert answer["kernel"]["state"] == "restarted"
    # So does a segmentation fault.
    answer = run(visitor, "import ctypes\nctypes.memset(0, 1, 1)")
    assert answer["kernel"]["state"] == "restarted"
    assert_unharmed(sandbox, neighbour, visitor)


def test_background_threads_cannot_keep_running(sandbox, neighbour, visitor):
    code = (
        "import threading\n"
        "def spin():\n"
        "    while True:\n"
        "        pass\n"
        "threading.Thread(target=spin, daemon=True).start()\n"
        "print('started')\n"
    )
    assert text(run(visitor, code)) == "started\n"
    alive = sandbox.status()["kernels"]
    # the watchdog stops the kernel once the thread has used the CPU limit while idle
    wait_until(lambda: sandbox.status()["kernels"] == alive - 1, timeout=120)
    answer = run(visitor, "print(1)")
    assert answer["kernel"]["state"] == "lost"
    assert "in the background" in answer["message"]
    assert_unharmed(sandbox, neighbour, visitor)


def _processes_with_kernel_uids(runner) -> list[int]:
    """This runner's kernel processes (each runner has its own uid range)."""
    base, top = runner.uid_base, runner.uid_base + UID_RANGE
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                uid_line = next(line for line in fh if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        if base <= int(uid_line.split()[1]) < top:
            pids.append(int(entry))
    return pids


def test_setsid_daemons_do_not_survive_their_kernel(sandbox, neighbour, visitor):
    _answer, printed = attack(
        visitor,
        """
        import os, threading, time
        attempt("setsid", os.setsid)
        def daemon():
            pid = os.fork()
            if pid == 0:
                os.setsid()
                while True:
                    time.sleep(1)
            return pid
        attempt("double fork", daemon)
        threading.Thread(target=lambda: time.sleep(10**6), daemon=True).start()
        """,
    )
    assert_all_blocked(printed, 2)
    if os.geteuid() == 0:  # kernels have their own uids only when the runner is root
        assert len(_processes_with_kernel_uids(sandbox)) == sandbox.status()["kernels"]
    from tests.sandbox.helpers import kernel_op

    kernel_op(visitor, "restart")
    if os.geteuid() == 0:
        wait_until(lambda: len(_processes_with_kernel_uids(sandbox)) == sandbox.status()["kernels"])
    assert_unharmed(sandbox, neighbour, visitor)


def test_creating_user_namespaces(sandbox, neighbour, visitor):
    _answer, printed = attack(
        visitor,
        """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def call(name, nr, *args):
            if libc.syscall(nr, *args) < 0:
                raise OSError(ctypes.get_errno(), name)
        attempt("unshare user", lambda: call("unshare", 272, 0x10000000))
        attempt("clone user", lambda: call("clone", 56, 0x10000000 | 17, 0, 0, 0, 0))
        attempt("clone3", lambda: call("clone3", 435, 0, 0))
        attempt("uid_map", lambda: open("/proc/self/uid_map", "w").write("0 0 1"))
        """,
    )
    assert_all_blocked(printed, 4)
    assert_unharmed(sandbox, neighbour, visitor)


def test_the_kernel_holds_only_its_own_descriptors(sandbox, neighbour, visitor):
    answer = run(visitor, "import os\nprint(sorted(int(fd) for fd in os.listdir('/proc/self/fd')))")
    fds = eval(text(answer))  # noqa: S307 (a list of ints printed by our own probe)
    assert fds[:3] == [0, 1, 2]
    assert len(fds) <= 5  # stdio, the kernel's socket, and the directory being listed
    assert_unharmed(sandbox, neighbour, visitor)
