"""The runner's eviction and cgroup settings, read from SANDBOX_* variables."""

import pytest

from sandbox.config import Limits


def test_members_keep_their_share_and_cgroup_ceilings_are_worked_out():
    limits = Limits.from_env({"SANDBOX_MAX_KERNELS": "10", "SANDBOX_MEMBER_RESERVE_PERCENT": "25"})
    assert limits.visitor_kernels == 7  # 25 % of 10 rounded up is kept for members
    assert limits.kernel_memory_mb == 512 + 32 + 64
    assert Limits.from_env({"SANDBOX_CGROUP_MEMORY_MB": "300"}).kernel_memory_mb == 300
    assert Limits.from_env({"SANDBOX_MEMBER_RESERVE_PERCENT": "0"}).visitor_kernels == 256


@pytest.mark.parametrize(
    ("name", "value"),
    [("MEMBER_RESERVE_PERCENT", "100"), ("KERNELS_PER_CLIENT", "0"), ("CPU_SHARES", "-1")],
)
def test_impossible_settings_stop_the_runner(name, value):
    with pytest.raises(SystemExit, match=f"SANDBOX_{name}"):
        Limits.from_env({f"SANDBOX_{name}": value})
