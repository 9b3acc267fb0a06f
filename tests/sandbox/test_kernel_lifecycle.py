"""Kernel lifecycle on the real runner: restart, interrupt, culling, eviction, per-visitor and
total limits, crashes, and many visitors at once."""

import socket
import threading
import time

import pytest
from django.test import Client

from learn import sandbox as seam
from sandbox import protocol
from tests.sandbox.fixtures import PART, TRACK, wait_until
from tests.sandbox.helpers import kernel_op, of_type, run, text

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


def _use(settings, runner) -> None:
    settings.SANDBOX_SOCKET = runner.socket_path


def _seam_run(learner: str, code: str, cell: str = "pixels", part: str = PART) -> dict:
    """Run through learn.sandbox directly (for threads, which have no test client)."""
    outputs, result = [], None
    for event in seam.run_cell(
        learner=learner,
        track=TRACK,
        part=part,
        cell_id=cell,
        code=code,
        filename=f"<cell {cell}>",
        learner_name="Learner",
        require_full_isolation=False,
    ):
        if event["t"] == "output":
            outputs.append(event["output"])
        elif event["t"] == "result":
            result = event
    return {**result, "outputs": outputs}


def _interrupt_when_busy(learner: str) -> None:
    """Ask for an interrupt as soon as the kernel is running the cell."""
    wait_until(
        lambda: (
            seam.kernel_interrupt(learner=learner, track=TRACK, part=PART)["state"]
            == "interrupting"
        ),
        interval=0.05,
    )


def test_restart_clears_the_state(sandbox, visitor):
    run(visitor, "x = 1", cell="setup")
    answer = kernel_op(visitor, "restart")
    assert answer["_http"] == 200
    assert answer["kernel"]["state"] == "restarted"
    after = run(visitor, "print('x' in globals())")
    assert text(after) == "False\n"
    assert after["kernel"]["state"] == "ready"  # a restart the learner asked for is not "lost"
    assert after["message"] == ""


def test_restart_and_interrupt_of_a_cold_kernel(sandbox, visitor):
    assert kernel_op(visitor, "restart")["kernel"]["state"] == "cold"
    assert kernel_op(visitor, "interrupt")["kernel"]["state"] == "cold"
    run(visitor, "1")
    assert kernel_op(visitor, "interrupt")["kernel"]["state"] == "ready"


def test_interrupt_stops_a_running_cell_and_keeps_the_state(sandbox):
    learner = "s-interrupt-test"
    _seam_run(learner, "kept = 5", cell="setup")
    answers = []
    worker = threading.Thread(
        target=lambda: answers.append(_seam_run(learner, "import time\ntime.sleep(60)"))
    )
    worker.start()
    _interrupt_when_busy(learner)
    worker.join(60)
    (answer,) = answers  # a minute-long sleep can only have ended early by the interrupt
    assert answer["status"] == "error"
    assert answer["message"] == "Interrupted."
    assert of_type(answer, "error")[0]["ename"] == "KeyboardInterrupt"
    assert text(_seam_run(learner, "print(kept)")) == "5\n"


def test_interrupt_pressed_right_after_run_is_never_lost(sandbox):
    """Ctrl-C can reach the kernel before the learner's code starts; it must still interrupt
    that code, not be dropped (which used to leave the cell running until it was killed)."""
    learner = "s-early-interrupt"
    _seam_run(learner, "kept = 7", cell="setup")
    # A long cell (just under the site's 64 KiB cap) keeps the kernel parsing for a moment, so
    # the interrupt lands before the learner's code starts.
    slow_to_parse = "x = 1\n" * 10_000 + "import time\ntime.sleep(60)"
    for _ in range(5):
        answers = []
        worker = threading.Thread(
            target=lambda found=answers: found.append(_seam_run(learner, slow_to_parse))
        )
        worker.start()
        _interrupt_when_busy(learner)
        worker.join(60)
        (answer,) = answers
        assert answer["message"] == "Interrupted."
    assert text(_seam_run(learner, "print(kept)")) == "7\n"


def test_interrupting_a_kernel_that_ignores_it_restarts_it(sandbox):
    learner = "s-stubborn"
    code = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)"
    answers = []
    worker = threading.Thread(target=lambda: answers.append(_seam_run(learner, code)))
    worker.start()
    _interrupt_when_busy(learner)
    worker.join(60)
    (answer,) = answers
    assert answer["kernel"]["state"] == "restarted"
    assert "did not stop when interrupted" in answer["message"]


def test_a_crashing_kernel_is_replaced(sandbox, visitor):
    run(visitor, "x = 1", cell="setup")
    answer = run(visitor, "import ctypes\nctypes.string_at(0)")
    assert answer["kernel"]["state"] == "restarted"
    assert "stopped unexpectedly" in answer["message"]
    # The site replays the learner's cells on the next run instead of asking for a re-run.
    assert answer["rerun"] == []
    assert "replayed when you next run" in answer["message"]
    after = run(visitor, "print(x + 1)")
    assert text(after) == "2\n"
    assert after["replayed"] == ["setup"]


def test_idle_kernels_are_culled_and_the_learner_is_told(sandbox, start_runner, settings, visitor):
    runner = start_runner(idle_seconds=1)
    _use(settings, runner)
    run(visitor, "x = 1", cell="setup")
    run(visitor, "y = 2")
    wait_until(lambda: runner.status()["kernels"] == 0, timeout=60)
    answer = run(visitor, "print(x + y)", cell="plot")
    assert text(answer) == "3\n"  # the site replayed setup and pixels (see test_replay.py)
    assert answer["kernel"]["state"] == "restored"
    assert "culled after" in answer["message"]
    assert answer["replayed"] == ["setup", "pixels"]


def test_a_visitor_with_too_many_kernels_loses_the_oldest(sandbox):
    learner = "s-many-parts"
    for part in ("p1", "p2", "p3", "p4"):
        kernel_id, owner = seam.kernel_ids(learner, TRACK, part)
        frames = sandbox.call(
            {"op": "run", "kernel": kernel_id, "owner": owner, "code": f"part = {part!r}"}
        )
        assert frames[-1]["status"] == "ok"
    kernel_id, owner = seam.kernel_ids(learner, TRACK, "p1")
    frames = sandbox.call(
        {"op": "run", "kernel": kernel_id, "owner": owner, "code": "print('part' in globals())"}
    )
    assert frames[-1]["kernel"]["state"] == "lost"
    assert "more than 3 lessons open" in frames[-1]["message"]


def test_the_least_recently_used_kernel_makes_room(sandbox, start_runner, settings):
    runner = start_runner(max_kernels=2, member_reserve_percent=0, recent_seconds=1)
    _use(settings, runner)
    for name in ("s-first", "s-second", "s-third"):
        time.sleep(1.5)  # visitors evict only kernels idle longer than recent_seconds
        assert _seam_run(name, "x = 1")["status"] == "ok"
    assert runner.status()["kernels"] == 2
    time.sleep(1.5)
    answer = _seam_run("s-first", "print('x' in globals())")
    assert answer["kernel"]["state"] == "lost"
    assert "evicted to make room for other learners while idle for" in answer["message"]
    assert text(_seam_run("s-third", "print(x)")) == "1\n"  # the recent ones kept theirs


def test_idle_kernels_are_evicted_when_memory_is_short(sandbox, start_runner, settings):
    runner = start_runner(min_free_mb=10_000_000)  # more than any machine has: always short
    _use(settings, runner)
    assert _seam_run("s-mem-a", "x = 1")["status"] == "ok"
    assert _seam_run("s-mem-b", "x = 1")["status"] == "ok"  # evicts a, still runs
    answer = _seam_run("s-mem-a", "print('x' in globals())")
    assert answer["kernel"]["state"] == "lost"
    assert "short of memory" in answer["message"]


def test_many_visitors_at_once_keep_their_own_state(sandbox):
    results: dict[int, str] = {}

    def visit(n: int) -> None:
        learner = f"s-crowd-{n}"
        _seam_run(learner, f"import numpy as np\nmine = np.full(3, {n})", cell="setup")
        results[n] = text(_seam_run(learner, "print(int(mine.sum()))"))

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {n: f"{3 * n}\n" for n in range(20)}


def test_two_runs_in_one_kernel_wait_for_each_other(sandbox):
    learner = "s-two-tabs"
    _seam_run(learner, "log = []", cell="setup")
    code = "import time\nlog.append('start')\ntime.sleep(0.5)\nlog.append('end')"
    threads = [threading.Thread(target=_seam_run, args=(learner, code)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert text(_seam_run(learner, "print(log)")) == "['start', 'end', 'start', 'end']\n"


def test_a_member_keeps_the_kernel_across_their_clients(sandbox, member):
    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(member)
    run(first, "shared = 'yes'")
    assert text(run(second, "print(shared)")) == "yes\n"


def test_restart_during_a_run_ends_it_and_the_next_run_is_fresh(sandbox):
    learner = "s-restart-while-busy"
    _seam_run(learner, "kept = 1", cell="setup")
    answers = []
    worker = threading.Thread(
        target=lambda: answers.append(_seam_run(learner, "import time\ntime.sleep(3)"))
    )
    worker.start()
    wait_until(lambda: sandbox.status()["busy"] >= 1, interval=0.05)
    assert seam.kernel_restart(learner=learner, track=TRACK, part=PART)["state"] == "restarted"
    worker.join(10)
    (answer,) = answers
    assert answer["kernel"]["state"] == "restarted"
    assert "restarted the kernel" in answer["message"]
    after = _seam_run(learner, "print('kept' in globals())")
    assert text(after) == "False\n"
    assert after["kernel"]["state"] == "ready"


def test_a_run_finishes_when_the_site_hangs_up(sandbox):
    """Closing the page does not cost the learner their kernel."""
    kernel_id, owner = seam.kernel_ids("s-hangup", TRACK, PART)
    code = "import time\ntime.sleep(0.5)\nfinished = True\nprint('x' * 100000)"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(sandbox.socket_path))
        protocol.send(sock, {"op": "run", "kernel": kernel_id, "owner": owner, "code": code})
        assert protocol.recv(sock)["state"] == "starting"  # then walk away
    time.sleep(1)
    frames = sandbox.call(
        {"op": "run", "kernel": kernel_id, "owner": owner, "code": "print(finished)"}
    )
    assert frames[-1]["status"] == "ok", frames
    assert frames[-1]["kernel"]["state"] == "ready"
