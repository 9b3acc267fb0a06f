"""Fair eviction on the real runner, spoken to in its own protocol ("tier" and "client" as the
site sends them): reserved room for members, visitors' idle kernels evicted before members',
recently used kernels spared while an older idle one exists, busy kernels never evicted, a cap
per client address, and the exact reason on the learner's next run."""

import re
import threading
import time

import pytest

from tests.sandbox.fixtures import wait_until

pytestmark = [pytest.mark.sandbox]

IDLE_FOR = re.compile(r"while idle for \d+ seconds?, so its variables are gone")


def call(runner, name: str, code: str, *, tier: str = "visitor", client: str = "") -> dict:
    """Run a cell in learner `name`'s kernel; the result frame."""
    request = {"op": "run", "kernel": f"k-{name}", "owner": f"o-{name}", "code": code}
    if tier:
        request["tier"] = tier
    if client:
        request["client"] = client
    return runner.call(request)[-1]


def keeps(runner, name: str, **who) -> bool:
    """Whether `name`'s kernel still holds the variable its first cell set."""
    answer = call(runner, name, "print('x' in globals())", **who)
    return answer["kernel"]["state"] == "ready" and answer["status"] == "ok"


def start(runner, name: str, **who) -> None:
    answer = call(runner, name, "x = 1", **who)
    assert answer["status"] == "ok", answer


def test_visitors_are_evicted_before_members_and_the_reason_is_said(start_runner):
    runner = start_runner(max_kernels=4, member_reserve_percent=25, recent_seconds=1)
    start(runner, "m1", tier="member")  # the oldest kernel, but a member's
    for name in ("v1", "v2", "v3"):
        start(runner, name)
    time.sleep(1.5)  # none of them ran in the last recent_seconds now
    start(runner, "m2", tier="member")  # the runner is full: someone must go
    status = runner.status()
    assert status["kernels"] == 4
    assert keeps(runner, "m1", tier="member")
    lost = call(runner, "v1", "print('x' in globals())")
    assert lost["kernel"]["state"] == "lost"
    assert lost["message"].startswith(
        "Your previous kernel was evicted to make room for other learners while idle for "
    )
    assert IDLE_FOR.search(lost["message"]), lost["message"]


def test_visitors_cannot_use_the_room_kept_for_members(start_runner):
    runner = start_runner(max_kernels=4, member_reserve_percent=25, recent_seconds=600)
    for name in ("v1", "v2", "v3"):
        start(runner, name)
    refused = call(runner, "v4", "x = 1")
    assert refused["status"] == "limit"
    assert "room for visitors is full" in refused["message"]
    assert runner.status()["kernels"] == 3  # the fourth place is a member's
    start(runner, "m1", tier="member")
    for name in ("v1", "v2", "v3"):  # nobody was evicted to refuse v4 or admit m1
        assert keeps(runner, name)


def test_an_older_idle_member_goes_before_a_visitor_who_just_ran(start_runner):
    # v-recent must still count as recent when m-new arrives: a wide window, for a busy host.
    runner = start_runner(max_kernels=2, member_reserve_percent=0, recent_seconds=10)
    start(runner, "m-old", tier="member")
    time.sleep(10.5)
    start(runner, "v-recent")
    start(runner, "m-new", tier="member")
    assert keeps(runner, "v-recent")
    lost = call(runner, "m-old", "print('x' in globals())", tier="member")
    assert lost["kernel"]["state"] == "lost"
    assert "evicted to make room for other learners" in lost["message"]


def test_a_visitor_never_evicts_kernels_used_in_the_last_minutes(start_runner):
    runner = start_runner(max_kernels=2, member_reserve_percent=0, recent_seconds=600)
    start(runner, "v1")
    start(runner, "v2")
    refused = call(runner, "v3", "x = 1")
    assert refused["status"] == "limit"
    assert "try again" in refused["message"].lower()
    assert keeps(runner, "v1")
    assert keeps(runner, "v2")


def test_busy_kernels_are_never_evicted(start_runner):
    runner = start_runner(max_kernels=2, member_reserve_percent=0, recent_seconds=1)
    start(runner, "busy")
    start(runner, "idle")
    answers = []
    worker = threading.Thread(
        target=lambda: answers.append(call(runner, "busy", "import time\ntime.sleep(4)"))
    )
    worker.start()
    wait_until(lambda: runner.status()["busy"] == 1, interval=0.05)
    time.sleep(1.2)  # "idle" is no longer recent; "busy" is running
    start(runner, "newcomer")  # evicts the idle kernel, not the busy (and older) one
    worker.join(60)
    assert answers[0]["status"] == "ok"
    assert keeps(runner, "busy")
    assert call(runner, "idle", "1")["kernel"]["state"] == "lost"


def test_a_full_runner_of_busy_kernels_refuses(start_runner):
    runner = start_runner(max_kernels=1, member_reserve_percent=0, recent_seconds=1)
    start(runner, "busy", tier="member")
    worker = threading.Thread(target=call, args=(runner, "busy", "import time\ntime.sleep(4)"))
    worker.start()
    wait_until(lambda: runner.status()["busy"] == 1, interval=0.05)
    refused = call(runner, "member", "x = 1", tier="member")
    worker.join(60)
    assert refused["status"] == "limit"
    assert "as many kernels as it can" in refused["message"]
    assert keeps(runner, "busy", tier="member")


def test_one_address_holds_at_most_kernels_per_client(start_runner):
    runner = start_runner(kernels_per_client=2, recent_seconds=1)
    crowd = "203.0.113.7"
    start(runner, "a", client=crowd)
    start(runner, "b", client=crowd)
    start(runner, "elsewhere", client="198.51.100.1")
    start(runner, "signed-in", client=crowd, tier="member")  # members are not capped by address
    start(runner, "c", client=crowd)  # the address's oldest idle visitor kernel makes room
    assert runner.status()["kernels"] == 4
    lost = call(runner, "a", "print('x' in globals())", client=crowd)
    assert lost["kernel"]["state"] == "lost"
    assert "more than 2 kernels were open from your network address" in lost["message"]
    assert keeps(runner, "elsewhere", client="198.51.100.1")
    assert keeps(runner, "signed-in", client=crowd, tier="member")


def test_an_address_whose_kernels_are_all_busy_is_refused(start_runner):
    runner = start_runner(kernels_per_client=1, recent_seconds=1)
    crowd = "2001:db8:1:2::/64"
    start(runner, "a", client=crowd)
    worker = threading.Thread(
        target=call, args=(runner, "a", "import time\ntime.sleep(4)"), kwargs={"client": crowd}
    )
    worker.start()
    wait_until(lambda: runner.status()["busy"] == 1, interval=0.05)
    refused = call(runner, "b", "x = 1", client=crowd)
    worker.join(60)
    assert refused["status"] == "limit"
    assert "from your network address" in refused["message"]
    assert "at most 1" in refused["message"]


def test_idle_kernels_are_culled_with_the_idle_limit_in_words(start_runner):
    runner = start_runner(idle_seconds=2)
    start(runner, "sleepy")
    wait_until(lambda: runner.status()["kernels"] == 0, timeout=30)
    lost = call(runner, "sleepy", "1")
    assert lost["kernel"]["state"] == "lost"
    assert lost["message"].startswith(
        "Your previous kernel was culled after 2 idle seconds, so its variables are gone."
    )
