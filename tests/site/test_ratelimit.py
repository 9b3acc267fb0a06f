import pytest
from django.test import RequestFactory

from agenticworks import ratelimit


@pytest.mark.django_db
def test_hits_are_allowed_up_to_the_limit_then_refused_with_a_wait():
    verdicts = [ratelimit.hit("k", limit=3, window=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 60


@pytest.mark.django_db
def test_peek_does_not_count_and_reset_forgets():
    ratelimit.hit("p", limit=1, window=60)
    assert not ratelimit.peek("p", limit=1, window=60).allowed
    ratelimit.reset("p", window=60)
    assert ratelimit.peek("p", limit=1, window=60).allowed


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (1, "in 1 second"),
        (45, "in 45 seconds"),
        (61, "in 2 minutes"),
        (3540, "in 59 minutes"),
        (3600, "in 1 hour"),
        (3601, "in 2 hours"),
    ],
)
def test_wait_phrase(seconds, phrase):
    assert ratelimit.wait_phrase(seconds) == phrase


def test_client_ip_trusts_only_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize(
    ("remote", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("not an address", "not an address"),
    ],
)
def test_client_key_is_the_ipv4_address_or_the_ipv6_64(remote, key, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert ratelimit.client_key(request) == key


def test_client_key_honours_the_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 2001:db8::7"
    )
    assert ratelimit.client_key(request) == "2001:db8::/64"
