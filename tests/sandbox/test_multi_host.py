"""Two real runners over TCP with a shared token: new kernels go to the least-loaded host and
stay there; a host that disappears is noticed and its learners get a fresh kernel elsewhere."""

import socket

import pytest
from django.core.management import call_command
from django.test import Client

from learn import sandbox as seam
from learn.models import KernelPlacement
from tests.sandbox.helpers import run, text

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

TOKEN = "a-shared-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_hosts(sandbox, start_runner, settings):
    hosts = [start_runner(listen=f"127.0.0.1:{_free_port()}", token=TOKEN) for _ in range(2)]
    settings.SANDBOX_RUNNERS = [host.address for host in hosts]
    settings.SANDBOX_TOKEN = TOKEN
    return hosts


def test_kernels_spread_over_hosts_and_stay_put(two_hosts):
    first, second = Client(), Client()
    assert run(first, "where = 'first'")["status"] == "ok"
    assert run(second, "where = 'second'")["status"] == "ok"
    placements = dict(KernelPlacement.objects.values_list("host", "kernel_id"))
    assert sorted(placements) == sorted(host.address for host in two_hosts)
    # sticky: each learner's next run finds its state on the same host
    assert text(run(first, "print(where)")) == "first\n"
    assert text(run(second, "print(where)")) == "second\n"
    assert [host.status()["kernels"] for host in two_hosts] == [1, 1]


def test_a_vanished_host_gives_its_learners_a_fresh_kernel(two_hosts):
    visitor = Client()
    run(visitor, "x = 1", cell="setup")
    placed = KernelPlacement.objects.get().host
    gone, other = (h for h in sorted(two_hosts, key=lambda h: h.address != placed))
    gone.stop()
    answer = run(visitor, "print('x' in globals())")
    assert answer["status"] == "ok"
    assert text(answer) == "True\n"  # replayed on the other host (test_replay.py)
    assert answer["kernel"]["state"] == "restored"
    assert "went away" in answer["message"]
    assert KernelPlacement.objects.get().host == other.address
    again = run(visitor, "print(1)")
    assert again["kernel"]["state"] == "ready"
    assert again["message"] == ""


def test_a_wrong_token_is_refused(two_hosts, settings):
    settings.SANDBOX_TOKEN = "not-the-token"
    answer = run(Client(), "print(1)")
    assert answer["_http"] == 503
    assert answer["kernel"]["state"] == "unavailable"
    assert all(host.status()["kernels"] == 0 for host in two_hosts)


def test_restart_reaches_the_kernels_host(two_hosts):
    visitor = Client()
    run(visitor, "x = 1")
    response = visitor.post("/learn/brains-decision-committee/01-the-first-neuron/kernel/restart")
    assert response.json()["kernel"]["state"] == "restarted"
    assert sum(host.status()["kernels"] for host in two_hosts) == 0


def test_status_command_lists_every_host(two_hosts, capsys):
    call_command("sandbox", "status")
    printed = capsys.readouterr().out
    for host in two_hosts:
        assert host.address in printed
    assert "isolation" in printed
    two_hosts[0].stop()
    call_command("sandbox", "status")
    assert "not reachable" in capsys.readouterr().out


def test_runner_status_reports_layers(two_hosts):
    status = seam.runner_status(two_hosts[0].address)
    assert status["isolation"] in ("full", "partial", "none")
    assert set(status["layers"]) | set(status["missing"]) >= {"seccomp", "landlock"}
