"""What sandbox/cgroups.py writes, on a directory tree standing in for the cgroup file systems
(the seam: where this process's cgroups and mounts are). This host has cgroup v1; the v2 layout
(delegated controllers, "no internal processes") is checked here, v1 also for real in
test_cgroups_and_layers.py."""

from pathlib import Path

import pytest

from sandbox import cgroups

SETTINGS = cgroups.Settings(
    kernel_memory_mb=300, total_memory_mb=2048, kernel_pids=24, total_pids=1000, cpu_shares=512
)


def fake_v2(tmp_path: Path, monkeypatch, controllers: str) -> Path:
    base = tmp_path / "unified" / "system.slice" / "runner.service"
    base.mkdir(parents=True)
    (base / "cgroup.controllers").write_text(controllers)
    (base / "cgroup.subtree_control").write_text("")
    monkeypatch.setattr(cgroups, "_own_cgroups", lambda: {"": "/system.slice/runner.service"})
    monkeypatch.setattr(cgroups, "_mounts", lambda: {"": str(tmp_path / "unified")})
    return base


def test_v2_parent_and_kernel_limits(tmp_path, monkeypatch):
    base = fake_v2(tmp_path, monkeypatch, "cpuset cpu io memory pids")
    tree = cgroups.Cgroups(SETTINGS, name="agw-sandbox-1")
    assert tree.setup(), tree.error
    parent = base / "agw-sandbox-1"
    assert tree.describe()["version"] == 2
    assert (base / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    assert (parent / "memory.max").read_text() == str(2048 * 1024 * 1024)
    assert (parent / "pids.max").read_text() == "1000"
    procs = tree.create(7)
    kernel = parent / "k7"
    assert procs == [str(kernel / "cgroup.procs")]
    assert (kernel / "memory.max").read_text() == str(300 * 1024 * 1024)
    assert (kernel / "pids.max").read_text() == "24"
    assert (kernel / "cpu.weight").read_text() == "50"
    (kernel / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert tree.out_of_memory(7)


def test_v2_without_delegated_controllers_falls_back_and_reports(tmp_path, monkeypatch):
    fake_v2(tmp_path, monkeypatch, "cpu io")
    tree = cgroups.Cgroups(SETTINGS, name="agw-sandbox-2")
    assert not tree.setup()
    assert "controllers" in tree.error
    assert "no memory, pids, cpu hierarchy" in tree.error
    assert tree.describe() == {"active": False, "error": tree.error}
    assert tree.create(1) == []


def test_v1_stale_parents_of_dead_runners_are_removed(tmp_path, monkeypatch):
    own = {name: "/sessions/mine" for name in cgroups.CONTROLLERS}
    mounts = {name: str(tmp_path / name) for name in cgroups.CONTROLLERS}
    for name in cgroups.CONTROLLERS:
        (tmp_path / name / "sessions" / "mine" / "agw-sandbox-999999999" / "k1").mkdir(parents=True)
    monkeypatch.setattr(cgroups, "_own_cgroups", lambda: own)
    monkeypatch.setattr(cgroups, "_mounts", lambda: mounts)
    monkeypatch.setattr(cgroups, "_pid_alive", lambda pid: False)
    tree = cgroups.Cgroups(SETTINGS, name="agw-sandbox-3")
    assert tree.setup(), tree.error
    for name in cgroups.CONTROLLERS:
        assert not (tmp_path / name / "sessions" / "mine" / "agw-sandbox-999999999").exists()
    memory = tmp_path / "memory" / "sessions" / "mine" / "agw-sandbox-3"
    assert (memory / "memory.limit_in_bytes").read_text() == str(2048 * 1024 * 1024)
    tree.create(4)
    assert (memory / "k4" / "memory.limit_in_bytes").read_text() == str(300 * 1024 * 1024)
    assert (
        tmp_path / "cpu" / "sessions" / "mine" / "agw-sandbox-3" / "k4" / "cpu.shares"
    ).read_text() == "512"


@pytest.mark.parametrize("value", ["oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", ""])
def test_v1_no_oom_kill_is_not_a_memory_limit(tmp_path, monkeypatch, value):
    own = {name: "/" for name in cgroups.CONTROLLERS}
    mounts = {name: str(tmp_path / name) for name in cgroups.CONTROLLERS}
    for name in cgroups.CONTROLLERS:
        (tmp_path / name).mkdir()
    monkeypatch.setattr(cgroups, "_own_cgroups", lambda: own)
    monkeypatch.setattr(cgroups, "_mounts", lambda: mounts)
    tree = cgroups.Cgroups(SETTINGS, name="agw-sandbox-4")
    assert tree.setup(), tree.error
    tree.create(2)
    (tmp_path / "memory" / "agw-sandbox-4" / "k2" / "memory.oom_control").write_text(value)
    assert not tree.out_of_memory(2)
