"""cgroups and each kernel's own isolation report, on real runners: the memory, pids and CPU
weight of a kernel's cgroup, the ceiling of all kernels, cleanup, a runner without cgroups, a
kernel whose layer failed (it says so and is refused to remote visitors), the Landlock ABI,
host-wide /proc files hidden and sync denied."""

import os

import pytest

from sandbox import landlock
from tests.sandbox.fixtures import wait_until

pytestmark = [pytest.mark.sandbox]

MIB = 1024 * 1024


def call(runner, code: str, name: str = "learner", **extra) -> dict:
    request = {"op": "run", "kernel": f"k-{name}", "owner": f"o-{name}", "code": code, **extra}
    return runner.call(request)[-1]


def printed(runner, code: str, name: str = "learner") -> str:
    frames = runner.call({"op": "run", "kernel": f"k-{name}", "owner": f"o-{name}", "code": code})
    return "".join(
        f["output"].get("text", "")
        for f in frames
        if f.get("t") == "output" and f["output"]["output_type"] == "stream"
    )


def cgroups_of(runner) -> dict:
    info = runner.status()["cgroups"]
    if not info["active"]:
        pytest.skip(f"no usable cgroups on this machine: {info['error']}")
    return info


def _read(path: str) -> str:
    with open(path) as fh:
        return fh.read().strip()


def kernel_dirs(info: dict) -> list[str]:
    return [
        os.path.join(parent, entry)
        for parent in info["parents"]
        for entry in os.listdir(parent)
        if entry.startswith("k")
    ]


def test_each_kernel_gets_a_cgroup_with_its_limits_under_a_ceiling(start_runner):
    runner = start_runner(cgroup_memory_mb=300, threads=24, cpu_shares=512)
    info = cgroups_of(runner)
    assert "cgroup" in runner.status()["layers"]
    assert call(runner, "x = 1")["kernel"]["missing"] == []
    dirs = kernel_dirs(info)
    assert len(dirs) == len(info["parents"])  # one kernel, one cgroup per hierarchy
    files = {name: os.path.join(d, name) for d in dirs for name in os.listdir(d)}
    if info["version"] == 1:
        assert _read(files["memory.limit_in_bytes"]) == str(300 * MIB)
        assert _read(files["cpu.shares"]) == "512"
        memory_parent = next(p for p in info["parents"] if "/memory/" in p)
        ceiling = int(_read(os.path.join(memory_parent, "memory.limit_in_bytes")))
    else:
        assert _read(files["memory.max"]) == str(300 * MIB)
        assert _read(files["cpu.weight"]) == "50"
        ceiling = int(_read(os.path.join(info["parents"][0], "memory.max")))
    assert _read(files["pids.max"]) == "24"
    with open("/proc/meminfo") as fh:
        total_kib = int(fh.readline().split()[1])
    assert ceiling == info["total_memory_mb"] * MIB < total_kib * 1024


def test_a_kernel_cannot_use_more_memory_than_its_cgroup(start_runner):
    # The address-space limit (1 GiB) lets the allocation through; the cgroup (200 MiB) stops it.
    runner = start_runner(memory_mb=1024, cgroup_memory_mb=200)
    cgroups_of(runner)
    call(runner, "kept = 1", cell="setup")
    answer = call(runner, "import numpy as np\nhog = np.ones(60_000_000)\nprint(hog.sum())")
    assert answer["status"] == "limit"
    assert answer["limit"] == "memory"
    assert "200 MiB" in answer["message"]
    assert "memory limit" in answer["message"]
    assert answer["kernel"]["state"] == "restarted"
    assert printed(runner, "print('kept' in globals())") == "False\n"


def test_the_cgroup_limits_a_kernels_threads(start_runner):
    # RLIMIT_NPROC would allow 64; the cgroup's pids.max (12) is what stops the thread bomb.
    runner = start_runner(threads=64, cgroup_pids=12)
    cgroups_of(runner)
    code = (
        "import threading, time\n"
        "started = 0\n"
        "try:\n"
        "    for _ in range(100):\n"
        "        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
        "        started += 1\n"
        "except RuntimeError as exc:\n"
        "    print('stopped:', exc)\n"
        "print(started)\n"
    )
    lines = printed(runner, code).splitlines()
    assert lines[0].startswith("stopped: can't start new thread")
    assert 0 < int(lines[-1]) < 12


def test_cgroups_are_removed_with_their_kernels_and_the_runner(start_runner):
    runner = start_runner()
    info = cgroups_of(runner)
    for name in ("one", "two"):
        assert call(runner, "x = 1", name=name)["status"] == "ok"
    assert len(kernel_dirs(info)) == 2 * len(info["parents"])
    runner.call({"op": "restart", "kernel": "k-one"})
    wait_until(lambda: len(kernel_dirs(info)) == len(info["parents"]))
    runner.stop()
    assert not any(os.path.exists(parent) for parent in info["parents"])


def test_a_runner_without_cgroups_says_so_and_still_runs(start_runner):
    runner = start_runner(disable_layers="cgroup")
    status = runner.status()
    assert status["cgroups"]["active"] is False
    assert "cgroup" in status["missing"]
    assert status["isolation"] == "partial"
    answer = call(runner, "print(1)")
    assert answer["status"] == "ok"
    assert answer["kernel"]["missing"] == ["cgroup"]


def test_a_kernel_reports_its_own_layers_not_the_probes(start_runner):
    # The start-up probe gets every layer; later kernels lose seccomp (a test hook).
    runner = start_runner(test_spoil_layers="seccomp")
    status = runner.status()
    assert status["isolation"] == "full"
    answer = call(runner, "print(1)")
    assert answer["status"] == "ok"
    assert answer["kernel"]["isolation"] == "partial"
    assert answer["kernel"]["missing"] == ["seccomp"]
    assert runner.status()["partial_kernels"] == 1
    # A remote visitor's run (require_full) is refused, and the kernel is not kept.
    refused = call(runner, "print(2)", name="remote", require_full=True)
    assert refused["status"] == "error"
    assert "could not be fully isolated" in refused["message"]
    assert "seccomp" in refused["message"]
    assert refused["kernel"]["missing"] == ["seccomp"]
    assert runner.status()["kernels"] == 1


def test_landlock_counts_only_with_network_rules_and_its_abi_is_reported(sandbox_runner):
    status = sandbox_runner.status()
    abi = landlock.abi_version()
    assert status["landlock_abi"] == abi
    assert ("landlock" in status["layers"]) == (abi >= 4)


def test_host_wide_proc_files_are_hidden(sandbox_runner):
    code = (
        "for name in ('cmdline', 'meminfo', 'sys/kernel/random/boot_id', 'uptime', 'loadavg',\n"
        "             'stat', 'cpuinfo', 'version'):\n"
        "    with open('/proc/' + name) as fh:\n"
        "        print(name, len(fh.read()))\n"
        "print('own', len(open('/proc/self/status').read()) > 0)\n"
        "import os\nprint('cpus', os.cpu_count() is not None)\n"
    )
    out = printed(sandbox_runner, code, name="proc-reader")
    assert "cmdline 0\nmeminfo 0\nsys/kernel/random/boot_id 0\n" in out
    assert "uptime 0\nloadavg 0\nstat 0\ncpuinfo 0\nversion 0\n" in out
    assert out.endswith("own True\ncpus True\n")
    assert "masked-proc" in sandbox_runner.status()["layers"]


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86-64 system call numbers")
def test_sync_and_syncfs_are_denied(sandbox_runner):
    code = (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "for name, nr in (('sync', 162), ('syncfs', 306)):\n"
        "    result = libc.syscall(nr, 0)\n"
        "    print(name, result, os.strerror(ctypes.get_errno()))\n"
    )
    out = printed(sandbox_runner, code, name="syncer")
    assert out == "sync -1 Operation not permitted\nsyncfs -1 Operation not permitted\n"


@pytest.mark.django_db
def test_the_status_command_reports_cgroups_and_the_landlock_abi(sandbox, capsys):
    from django.core.management import call_command

    info = cgroups_of(sandbox)
    call_command("sandbox", "status")
    out = capsys.readouterr().out
    assert f"landlock ABI: {landlock.abi_version()}" in out
    assert f"cgroups: v{info['version']}, " in out
    assert info["parent"] in out
