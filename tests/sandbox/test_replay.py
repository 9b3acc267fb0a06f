"""Kernels keep a learner's work (SPEC section 10), against the real site and runner: a kernel
lost to the server (stopped by the runner, culled, the runner process restarted, its host gone)
is restored by replaying the learner's own successful cells, with their edits, before the cell
they asked for."""

import json

import pytest
from django.test import Client

from learn import sandbox as seam
from learn.models import KernelPlacement, RunHistory
from tests.conftest import PASSWORD
from tests.sandbox.fixtures import PART, TRACK, wait_until
from tests.sandbox.helpers import kernel_op, run, run_url, text
from tests.sandbox.test_multi_host import TOKEN, _free_port

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

# The lesson's setup cell only imports; learners edit it. History keeps what ran.
EDITED_SETUP = "import numpy as np\nbias = 41  # the learner's own line"


def _learner(client: Client) -> str:
    user_id = client.session.get("_auth_user_id")
    return f"u{user_id}" if user_id else f"s{client.session.session_key}"


def _stop_kernel_on_the_runner(runner, client: Client) -> None:
    """The runner stops the learner's kernel on its own (as when it makes room)."""
    kernel_id, _owner = seam.kernel_ids(_learner(client), TRACK, PART)
    before = runner.status()["kernels"]
    runner.call({"op": "shutdown", "kernel": kernel_id})
    assert runner.status()["kernels"] == before - 1


def _work(client: Client) -> None:
    assert run(client, EDITED_SETUP, cell="setup")["status"] == "ok"
    assert run(client, "image = np.eye(3) + bias", cell="pixels")["status"] == "ok"


def test_a_kernel_the_runner_stopped_is_restored_with_the_learners_edits(sandbox, visitor):
    _work(visitor)
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print(int(image.sum()), bias)", cell="plot")
    assert answer["status"] == "ok"
    assert text(answer) == "372 41\n"
    assert answer["replayed"] == ["setup", "pixels"]
    assert answer["kernel"]["state"] == "restored"
    assert "Your work was restored: replayed cells 001–002." in answer["message"]
    assert answer["rerun"] == []
    again = run(visitor, "print(bias)", cell="plot")
    assert again["replayed"] == []
    assert again["kernel"]["state"] == "ready"


def test_outputs_of_replayed_cells_are_not_shown(sandbox, visitor):
    run(visitor, "print('first time')\nx = 1", cell="setup")
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print(x)", cell="pixels")
    assert text(answer) == "1\n"
    assert answer["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "1\n"}]


def test_the_page_is_told_while_cells_replay(sandbox, visitor):
    _work(visitor)
    _stop_kernel_on_the_runner(sandbox, visitor)
    response = visitor.post(
        run_url(),
        data=json.dumps({"cell": "plot", "code": "print(bias)"}),
        content_type="application/json",
        HTTP_ACCEPT="application/x-ndjson",
    )
    events = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    restoring = [e for e in events if e["type"] == "state" and e["state"] == "restoring"]
    assert restoring == [
        {
            "type": "state",
            "state": "restoring",
            "cells": ["setup", "pixels"],
            "message": "Restoring your work: replaying cells 001–002…",
        },
        {"type": "state", "state": "restoring", "cell": "setup"},
        {"type": "state", "state": "restoring", "cell": "pixels"},
    ]
    outputs = [e["output"]["text"] for e in events if e["type"] == "output"]
    assert outputs == ["41\n"]
    assert events[-1]["type"] == "result"
    assert events[-1]["replayed"] == ["setup", "pixels"]


def test_a_failed_cell_is_not_replayed(sandbox, visitor):
    run(visitor, "runs = []\nruns.append('setup')", cell="setup")
    assert (
        run(visitor, "runs.append('pixels')\nraise ValueError('oops')", cell="pixels")["status"]
        == "error"
    )
    run(visitor, "runs.append('plot')", cell="plot")
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print(runs)", cell="scratch-1")
    assert text(answer) == "['setup', 'plot']\n"
    assert answer["replayed"] == ["setup", "plot"]


def test_a_cell_whose_last_run_failed_leaves_the_history(sandbox, visitor):
    run(visitor, "x = 1", cell="setup")
    run(visitor, "y = x + 1", cell="pixels")
    run(visitor, "y = undefined_name", cell="pixels")  # fails: the cell leaves the history
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print('y' in globals(), x)", cell="plot")
    assert text(answer) == "False 1\n"
    assert answer["replayed"] == ["setup"]


def test_a_cell_that_fails_in_replay_is_dropped_and_said(sandbox, visitor):
    run(visitor, "x = 1", cell="setup")
    run(visitor, "y = x + 1", cell="pixels")
    run(visitor, "del x\nraise RuntimeError('gone')", cell="setup")  # setup leaves history
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print('y' in globals())", cell="plot")
    assert text(answer) == "False\n"  # pixels needs x, which no successful cell defines now
    assert answer["replayed"] == []
    assert "Not replayed: cell 002" in answer["message"]
    _stop_kernel_on_the_runner(sandbox, visitor)
    assert run(visitor, "1", cell="plot")["replayed"] == []  # and it is not tried again


def test_replay_stops_at_its_time_budget(sandbox, visitor, settings):
    _work(visitor)
    _stop_kernel_on_the_runner(sandbox, visitor)
    settings.SANDBOX_REPLAY_SECONDS = 0
    answer = run(visitor, "print('bias' in globals())", cell="plot")
    assert text(answer) == "False\n"
    assert answer["replayed"] == []
    assert "Not replayed: cells 001–002" in answer["message"]


def test_running_a_cell_of_the_history_replays_only_the_cells_before_it(sandbox, visitor):
    run(visitor, "log = ['setup']", cell="setup")
    run(visitor, "log.append('pixels')", cell="pixels")
    run(visitor, "log.append('plot')", cell="plot")
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "log.append('pixels again')\nprint(log)", cell="pixels")
    assert text(answer) == "['setup', 'pixels again']\n"
    assert answer["replayed"] == ["setup"]


def test_the_restart_button_starts_clean_and_clears_the_history(sandbox, visitor):
    _work(visitor)
    assert kernel_op(visitor, "restart")["kernel"]["state"] == "restarted"
    assert visitor.session.get("run_history") == {}
    answer = run(visitor, "print('bias' in globals())", cell="plot")
    assert text(answer) == "False\n"
    assert answer["replayed"] == []
    assert answer["kernel"]["state"] == "ready"


def test_a_members_history_is_kept_in_the_database(sandbox, member, member_client):
    _work(member_client)
    row = RunHistory.objects.get(user=member, track=TRACK, part=PART)
    assert [entry["cell"] for entry in row.cells] == ["setup", "pixels"]
    assert row.cells[0]["code"] == EDITED_SETUP
    _stop_kernel_on_the_runner(sandbox, member_client)
    other_browser = Client()
    other_browser.force_login(member)
    answer = run(other_browser, "print(bias)", cell="plot")
    assert text(answer) == "41\n"
    assert answer["kernel"]["state"] == "restored"


def test_the_history_is_bounded(sandbox, visitor, settings):
    settings.SANDBOX_HISTORY_CELLS = 2
    for n in range(1, 5):
        assert run(visitor, f"v{n} = {n}", cell=f"scratch-{n}")["status"] == "ok"
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print(sorted(k for k in globals() if k[:1] == 'v'))", cell="plot")
    assert text(answer) == "['v1', 'v2']\n"  # the earliest cells are the ones kept


def test_a_visitors_history_follows_them_when_they_sign_in(sandbox, visitor, member):
    _work(visitor)
    response = visitor.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert [e["cell"] for e in RunHistory.objects.get(user=member).cells] == ["setup", "pixels"]
    answer = run(visitor, "print(bias)", cell="plot")  # a member's kernel is a new one
    assert text(answer) == "41\n"
    assert answer["replayed"] == ["setup", "pixels"]


def test_a_culled_kernel_is_restored(sandbox, start_runner, settings, visitor):
    runner = start_runner(idle_seconds=1)
    settings.SANDBOX_SOCKET = runner.socket_path
    _work(visitor)
    wait_until(lambda: runner.status()["kernels"] == 0, timeout=15)
    answer = run(visitor, "print(bias)", cell="plot")
    assert text(answer) == "41\n"
    assert answer["kernel"]["state"] == "restored"
    assert "culled after" in answer["message"]


def test_a_restarted_runner_process_is_restored(sandbox, start_runner, settings, visitor):
    first = start_runner()
    settings.SANDBOX_SOCKET = first.socket_path
    _work(visitor)
    first.stop()
    second = start_runner()  # every kernel and tombstone of the first runner is gone
    settings.SANDBOX_SOCKET = second.socket_path
    answer = run(visitor, "print(int(image.sum()))", cell="plot")
    assert text(answer) == "372\n"
    assert answer["replayed"] == ["setup", "pixels"]
    assert answer["kernel"]["state"] == "restored"


def test_the_runner_holds_a_run_that_needs_a_new_kernel(sandbox):
    kernel_id, owner = seam.kernel_ids("s-hold", TRACK, PART)
    request = {"op": "run", "kernel": kernel_id, "owner": owner, "hold_if_new": True}
    held = sandbox.call({**request, "code": "ran = True\nprint('ran')"})
    assert held[-1]["status"] == "held"
    assert not [f for f in held if f["t"] == "output"]  # the code did not run
    answer = sandbox.call({**request, "code": "print('ran' in globals())"})
    assert answer[-1]["status"] == "ok"  # the kernel exists now: no hold
    assert [f["output"]["text"] for f in answer if f["t"] == "output"] == ["False\n"]


@pytest.fixture
def two_hosts(sandbox, start_runner, settings):
    hosts = [start_runner(listen=f"127.0.0.1:{_free_port()}", token=TOKEN) for _ in range(2)]
    settings.SANDBOX_RUNNERS = [host.address for host in hosts]
    settings.SANDBOX_TOKEN = TOKEN
    return hosts


def test_a_lost_host_is_restored_on_another_host(two_hosts, visitor):
    _work(visitor)
    placed = KernelPlacement.objects.get().host
    gone, other = sorted(two_hosts, key=lambda host: host.address != placed)
    gone.stop()
    answer = run(visitor, "print(int(image.sum()), bias)", cell="plot")
    assert text(answer) == "372 41\n"
    assert answer["replayed"] == ["setup", "pixels"]
    assert answer["kernel"]["state"] == "restored"
    assert "went away" in answer["message"]
    assert KernelPlacement.objects.get().host == other.address


def test_cells_that_left_code_running_are_not_replayed(sandbox, visitor):
    run(visitor, "x = 1", cell="setup")
    spin = (
        "import threading\n"
        "def spin():\n"
        "    while True:\n"
        "        pass\n"
        "threading.Thread(target=spin, daemon=True).start()\n"
    )
    assert run(visitor, spin, cell="pixels")["status"] == "ok"
    kernel_id, _owner = seam.kernel_ids(_learner(visitor), TRACK, PART)
    gone = {"op": "interrupt", "kernel": kernel_id}
    wait_until(lambda: sandbox.call(gone)[-1]["state"] == "cold", timeout=90)
    answer = run(visitor, "print('x' in globals())", cell="plot")
    assert text(answer) == "False\n"  # replaying would start the same thread again
    assert answer["replayed"] == []
    assert answer["kernel"]["state"] == "lost"
    assert "in the background" in answer["message"]
    assert "not replayed" in answer["message"]


def test_a_cell_that_hits_a_limit_in_replay_is_dropped_and_the_rest_replayed(sandbox, visitor):
    run(visitor, "x = 1", cell="setup")
    # `marker` comes from a cell that failed, so it is not in the history: in replay, pixels
    # loops until a limit stops it.
    assert run(visitor, "marker = 1\nraise ValueError", cell="scratch-9")["status"] == "error"
    needs_marker = (
        "import signal\n"
        "if 'marker' not in globals():\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)  # so the limit kills the kernel\n"
        "    while True:\n"
        "        pass\n"
        "y = 2"
    )
    assert run(visitor, needs_marker, cell="pixels")["status"] == "ok"
    run(visitor, "z = 3", cell="plot")
    _stop_kernel_on_the_runner(sandbox, visitor)
    answer = run(visitor, "print(x, 'y' in globals(), z)", cell="scratch-1")
    assert text(answer) == "1 False 3\n"
    assert answer["replayed"] == ["setup", "plot"]
    assert "Not replayed: cell 002" in answer["message"]
