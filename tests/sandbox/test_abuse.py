"""Issue 14's abuse case against the real site and runner: a flood of runs from one address,
without cookies or with many sessions, is refused after its budget (429 saying how long to
wait) while a signed-in learner elsewhere keeps running and keeps their variables."""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from tests.sandbox.helpers import run, text

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]

ATTACKER = "203.0.113.66"
LEARNER = "198.51.100.7"
WAIT = re.compile(r"try again in \d+ (second|minute|hour)s?\.")


@pytest.fixture
def budgets(sandbox, settings):
    settings.SANDBOX_ALLOW_PARTIAL_ISOLATION = True  # the addresses are not this machine's
    settings.SANDBOX_NEW_SESSIONS_PER_ADDRESS = 4
    settings.SANDBOX_NEW_KERNELS_PER_ADDRESS = 6
    settings.SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS = 1000
    return settings


def _client_with_a_session() -> Client:
    """A browser that already holds a session (as after visiting pages), unlike a bare POST."""
    client = Client()
    store = SessionStore()
    store["seen"] = True
    store.save()
    client.cookies["sessionid"] = store.session_key
    return client


def test_session_less_runs_are_refused_after_the_address_budget(budgets, member_client):
    assert run(member_client, "mine = 42", cell="setup", remote_addr=LEARNER)["status"] == "ok"
    answers = [run(Client(), "1", remote_addr=ATTACKER) for _ in range(10)]
    assert [a["_http"] for a in answers] == [200] * 4 + [429] * 6
    refused = answers[-1]
    assert "Too many new visitors running code from your network" in refused["message"]
    assert WAIT.search(refused["message"])
    # The learner on another address keeps running, and keeps their variables.
    after = run(member_client, "print(mine)", cell="pixels", remote_addr=LEARNER)
    assert after["status"] == "ok"
    assert text(after) == "42\n"
    assert after["kernel"]["state"] == "ready"


def test_many_sessions_from_one_address_run_out_of_new_kernels(budgets, member_client):
    assert run(member_client, "mine = 7", cell="setup", remote_addr=LEARNER)["status"] == "ok"
    answers = [run(_client_with_a_session(), "1", remote_addr=ATTACKER) for _ in range(9)]
    assert [a["_http"] for a in answers] == [200] * 6 + [429] * 3
    assert "Too many new kernels from your network" in answers[-1]["message"]
    assert WAIT.search(answers[-1]["message"])
    assert text(run(member_client, "print(mine)", cell="pixels", remote_addr=LEARNER)) == "7\n"


def test_a_learner_behind_the_flooded_address_keeps_their_existing_kernel(budgets):
    classmate = _client_with_a_session()
    assert run(classmate, "mine = 3", cell="setup", remote_addr=ATTACKER)["status"] == "ok"
    for _ in range(8):
        run(_client_with_a_session(), "1", remote_addr=ATTACKER)
    # New kernels from the address are refused, but a kernel that exists keeps running.
    assert text(run(classmate, "print(mine)", cell="pixels", remote_addr=ATTACKER)) == "3\n"


def test_runs_per_address_are_limited_across_sessions(budgets):
    budgets.SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS = 3
    answers = [run(_client_with_a_session(), "1", remote_addr=ATTACKER) for _ in range(4)]
    assert [a["_http"] for a in answers] == [200, 200, 200, 429]
    assert "Too many runs in a short time from your network" in answers[-1]["message"]
    assert run(_client_with_a_session(), "1", remote_addr=LEARNER)["_http"] == 200


def test_an_ipv6_64_counts_as_one_address(budgets):
    answers = [run(Client(), "1", remote_addr=f"2001:db8:0:1::{n}") for n in range(1, 7)]
    assert [a["_http"] for a in answers] == [200] * 4 + [429] * 2
    assert run(Client(), "1", remote_addr="2001:db8:0:2::1")["_http"] == 200


def test_the_address_comes_from_the_trusted_proxy(budgets):
    budgets.TRUSTED_PROXY_COUNT = 1
    for n in range(4):  # behind the proxy, REMOTE_ADDR is the proxy's: it must not count
        forwarded = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}
        assert run(Client(), "1", remote_addr="10.0.0.1", **forwarded)["_http"] == 200
    answers = [
        run(Client(), "1", remote_addr="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER) for _ in range(5)
    ]
    assert [a["_http"] for a in answers] == [200] * 4 + [429]


def test_no_session_is_created_for_a_refused_run(budgets):
    for _ in range(4):
        run(Client(), "1", remote_addr=ATTACKER)
    before = SessionStore.get_model_class().objects.count()
    refused = Client()
    assert run(refused, "1", remote_addr=ATTACKER)["_http"] == 429
    assert SessionStore.get_model_class().objects.count() == before
    assert "sessionid" not in refused.cookies
