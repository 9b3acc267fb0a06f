"""Moderators pin, lock, hide and move topics, hide posts, handle reports and suspend
members; every action is logged with who, when and why. Members cannot do any of it."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from forum import services
from forum.models import ModerationLog, PostReport, Suspension


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [("pin", "is_pinned", True), ("lock", "is_locked", True), ("hide", "is_hidden", True)],
)
def test_moderator_topic_actions_are_applied_and_logged(
    moderator_client, moderator, topic, action, field, value
):
    url = reverse("forum:moderate_topic", args=[topic.pk])
    response = moderator_client.post(url, {"action": action, "reason": "Because"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert getattr(topic, field) is value
    entry = ModerationLog.objects.get()
    assert (entry.actor, entry.topic, entry.reason) == (moderator, topic, "Because")
    assert entry.created_at is not None


def test_hiding_needs_a_reason(moderator_client, topic):
    response = moderator_client.post(
        reverse("forum:moderate_topic", args=[topic.pk]), {"action": "hide", "reason": ""}
    )
    assert "Give a reason" in response.content.decode()
    topic.refresh_from_db()
    assert not topic.is_hidden


def test_member_cannot_pin_lock_hide_or_see_the_tools(member_client, topic):
    url = reverse("forum:moderate_topic", args=[topic.pk])
    assert member_client.get(url).status_code == 403
    for action in ("pin", "lock", "hide"):
        assert member_client.post(url, {"action": action, "reason": "x"}).status_code == 403
    topic.refresh_from_db()
    assert (topic.is_pinned, topic.is_locked, topic.is_hidden) == (False, False, False)
    assert ">Moderate</a>" not in member_client.get(topic.get_absolute_url()).content.decode()
    assert not ModerationLog.objects.exists()


def test_moving_a_topic_updates_both_categories(
    moderator_client, topic, reply, category, other_category
):
    moderator_client.post(
        reverse("forum:moderate_topic", args=[topic.pk]),
        {"action": "move", "category": other_category.pk, "reason": "Belongs there"},
    )
    topic.refresh_from_db()
    category.refresh_from_db()
    other_category.refresh_from_db()
    assert topic.category == other_category
    assert (category.topic_count, category.post_count, category.last_topic) == (0, 0, None)
    assert (other_category.topic_count, other_category.post_count) == (1, 2)
    assert ModerationLog.objects.get().details == "Lesson help → Show and tell"


def test_moderator_hides_a_post_with_a_reason_others_see_a_placeholder(
    moderator_client, other_member_client, visitor, reply, topic
):
    moderator_client.post(
        reverse("forum:hide_post", args=[reply.pk]), {"action": "hide", "reason": "Rude"}
    )
    reply.refresh_from_db()
    assert reply.is_hidden
    assert reply.hidden_reason == "Rude"
    public = visitor.get(topic.get_absolute_url()).content.decode()
    assert "hidden by the moderators" in public
    assert "x.reshape(3, 3)" not in public
    assert "Rude" not in public
    moderator_view = moderator_client.get(topic.get_absolute_url()).content.decode()
    assert "Rude" in moderator_view
    assert "x.reshape(3, 3)" in moderator_view
    assert "x.reshape(3, 3)" in other_member_client.get(topic.get_absolute_url()).content.decode()


def test_member_cannot_hide_posts(member_client, reply):
    url = reverse("forum:hide_post", args=[reply.pk])
    assert member_client.post(url, {"action": "hide", "reason": "x"}).status_code == 403
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_members_report_and_the_queue_lists_open_reports(member_client, moderator_client, reply):
    response = member_client.post(reverse("forum:report", args=[reply.pk]), {"reason": "Spam"})
    assert response.status_code == 302
    again = member_client.post(reverse("forum:report", args=[reply.pk]), {"reason": "Spam!"})
    assert "already reported" in again.content.decode()
    queue = moderator_client.get(reverse("forum:queue")).content.decode()
    assert "“Spam”" in queue
    assert member_client.get(reverse("forum:queue")).status_code == 403


def test_report_needs_a_reason(member_client, reply):
    response = member_client.post(reverse("forum:report", args=[reply.pk]), {"reason": ""})
    assert "Say briefly what is wrong" in response.content.decode()
    assert not PostReport.objects.exists()


def test_enough_trusted_reports_hide_a_post_pending_review(reply, make_member, settings):
    settings.FORUM_REPORTS_TO_HIDE = 2
    settings.FORUM_NEW_MEMBER_AGE = 0
    trusted = [make_member(n) for n in ("kim", "lee")]
    newcomer = make_member("new")

    def sections_done(user):
        return 0 if user.pk == newcomer.pk else 3

    with mock.patch("forum.antispam.completed_section_count", side_effect=sections_done):
        services.report_create(post=reply, reporter=newcomer, reason="meh")
        services.report_create(post=reply, reporter=trusted[0], reason="spam")
        reply.refresh_from_db()
        assert not reply.is_hidden  # the newcomer's report does not count
        services.report_create(post=reply, reporter=trusted[1], reason="spam")
    reply.refresh_from_db()
    assert reply.is_hidden
    assert "pending review" in reply.hidden_reason
    assert ModerationLog.objects.filter(action="auto_hide", post=reply).exists()


def test_resolving_reports_dismisses_and_restores(moderator_client, member, reply):
    services.report_create(post=reply, reporter=member, reason="Spam")
    moderator_client.post(reverse("forum:resolve_reports", args=[reply.pk]), {"action": "dismiss"})
    assert PostReport.objects.get().status == "dismissed"
    assert "No open reports" in moderator_client.get(reverse("forum:queue")).content.decode()


def test_upholding_reports_hides_the_post_and_logs_it(moderator_client, member, reply):
    services.report_create(post=reply, reporter=member, reason="Spam")
    moderator_client.post(
        reverse("forum:resolve_reports", args=[reply.pk]), {"action": "uphold", "reason": "Ad"}
    )
    reply.refresh_from_db()
    assert reply.is_hidden
    assert set(ModerationLog.objects.values_list("action", flat=True)) == {"hide_post", "resolve"}


def test_suspension_blocks_writing_until_lifted(moderator_client, other_member_client,
                                                other_member, topic):  # fmt: skip
    url = reverse("forum:suspend", args=[other_member.username])
    moderator_client.post(url, {"days": 2, "reason": "Spam"})
    suspension = Suspension.objects.get(member=other_member)
    assert suspension.reason == "Spam"
    refused = other_member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert refused.status_code == 403
    assert "suspended from the forum until" in refused.content.decode()
    moderator_client.post(url, {"action": "lift"})
    ok = other_member_client.post(reverse("forum:reply", args=[topic.pk]), {"body": "Hi"})
    assert ok.status_code == 302
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["unsuspend", "suspend"]


def test_member_cannot_suspend(member_client, other_member):
    url = reverse("forum:suspend", args=[other_member.username])
    assert member_client.post(url, {"days": 2, "reason": "x"}).status_code == 403
    assert not Suspension.objects.exists()


def test_moderator_cannot_suspend_another_moderator_but_staff_can(
    moderator_client, staff_client, make_member
):
    other_mod = make_member("mia")
    other_mod.groups.add(Group.objects.get(name="Moderators"))
    url = reverse("forum:suspend", args=["mia"])
    assert moderator_client.post(url, {"days": 1, "reason": "x"}).status_code == 403
    staff_client.post(url, {"days": 1, "reason": "x"})
    assert Suspension.objects.filter(member=other_mod).exists()


def test_log_page_lists_who_did_what_and_why(moderator_client, moderator, topic):
    moderator_client.post(
        reverse("forum:moderate_topic", args=[topic.pk]), {"action": "lock", "reason": "Solved"}
    )
    html = moderator_client.get(reverse("forum:log")).content.decode()
    assert "Locked topic" in html
    assert "by mo" in html
    assert "“Solved”" in html
