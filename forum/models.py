"""The forum's data: categories hold topics, topics hold posts in order.

Counts that list pages show (topics and posts per category, posts and likes per topic and post)
are columns, updated with F() expressions by the services so that two requests never overwrite
each other's increments.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

User = settings.AUTH_USER_MODEL


def lesson_url(part) -> str:
    """The lesson page of a part (SPEC section 9 fixes its path)."""
    try:
        return part.get_absolute_url()
    except NoReverseMatch:  # a build without the lesson engine's pages: the fixed path
        return f"/learn/{part.track}/{part.slug}/"


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=240, blank=True)
    position = models.PositiveIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)
    last_topic = models.ForeignKey(
        "Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", args=[self.slug])


class TopicQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TopicQuerySet":
        """Topics this user may see: hidden ones only for moderators and their author."""
        from .permissions import is_moderator

        if is_moderator(user):
            return self
        if user.is_authenticated:
            return self.filter(Q(is_hidden=False) | Q(author=user))
        return self.filter(is_hidden=False)

    def listed_for(self, user) -> "TopicQuerySet":
        """Topics shown in lists: hidden ones only for moderators."""
        from .permissions import is_moderator

        return self if is_moderator(user) else self.filter(is_hidden=False)

    def by_activity(self) -> "TopicQuerySet":
        return self.order_by("-is_pinned", "-last_post_at", "-pk")


class Topic(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(max_length=140)
    slug = models.SlugField(max_length=80, allow_unicode=False, blank=True)
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_topics")
    part_key = models.CharField(
        "lesson part", max_length=120, blank=True, db_index=True, help_text="'track/part'"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_post_author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every post ever made in the topic, deleted ones included: they keep their place.
    post_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["category", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80] or "topic"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", args=[self.slug or "topic", self.pk])

    @property
    def reply_count(self) -> int:
        return max(0, self.post_count - 1)

    @cached_property
    def part(self):
        from learn.catalog import get_part

        return get_part(self.part_key) if self.part_key else None

    @property
    def part_url(self) -> str:
        return lesson_url(self.part) if self.part else ""


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_posts")
    position = models.PositiveIntegerField()
    body = models.TextField()
    body_html = models.TextField(help_text="Rendered and sanitized when the body is saved.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    like_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "position"], name="forum_post_position")
        ]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.topic} #{self.position}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", args=[self.pk])

    @property
    def is_first(self) -> bool:
        return self.position == 1


class PostRevision(models.Model):
    """The text of a post before an edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=140, blank=True)
    editor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id} from {self.created_at:%Y-%m-%d %H:%M}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} likes post {self.post_id}"


class PostImage(models.Model):
    """An image stored for a post, e.g. a plot shared from a lesson cell."""

    uploader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_images")
    file = models.FileField(upload_to="forum/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    part_key = models.CharField(max_length=120, blank=True)
    cell_id = models.CharField(max_length=64, blank=True)
    code = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file.name


class TopicSubscription(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="forum_subscribe_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows topic {self.topic_id}"


class TopicReadState(models.Model):
    """How far a member has read a topic: the position of the last post they were shown."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_read_states")
    last_read_position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="forum_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read topic {self.topic_id} to {self.last_read_position}"


class NotificationPreference(models.Model):
    class Email(models.TextChoices):
        NEVER = "never", "Never — I check the site"
        EACH = "each", "An email for each notification"
        DAILY = "daily", "One daily digest"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="forum_preference")
    email = models.CharField(max_length=8, choices=Email.choices, default=Email.NEVER)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "replied to"
        MENTION = "mention", "mentioned you in"
        ANSWER = "answer", "marked your reply as the answer in"
        MODERATION = "moderation", "moderated your post in"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} in topic {self.topic_id}"

    def get_absolute_url(self) -> str:
        return reverse("forum:notification_open", args=[self.pk])


class PostReport(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld (post stays hidden)"
        DISMISSED = "dismissed", "Dismissed (post restored)"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_reports")
    reason = models.CharField(max_length=500)
    trusted = models.BooleanField(default=False, help_text="The reporter was a trusted member.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="forum_report_once_while_open",
            )
        ]

    def __str__(self) -> str:
        return f"Report on post {self.post_id} ({self.status})"


class Suspension(models.Model):
    """A member may not write in the forum until `until`."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_suspensions")
    until = models.DateTimeField()
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-until"]

    def __str__(self) -> str:
        return f"{self.member_id} suspended until {self.until:%Y-%m-%d %H:%M}"


class ModerationLog(models.Model):
    """Who did what, when and why: every moderation action leaves one row."""

    class Action(models.TextChoices):
        PIN = "pin", "Pinned topic"
        UNPIN = "unpin", "Unpinned topic"
        LOCK = "lock", "Locked topic"
        UNLOCK = "unlock", "Unlocked topic"
        HIDE_TOPIC = "hide_topic", "Hid topic"
        UNHIDE_TOPIC = "unhide_topic", "Restored topic"
        MOVE = "move", "Moved topic"
        HIDE_POST = "hide_post", "Hid post"
        UNHIDE_POST = "unhide_post", "Restored post"
        AUTO_HIDE = "auto_hide", "Post hidden by reports"
        EDIT = "edit", "Edited someone's post"
        DELETE = "delete", "Deleted someone's post"
        ANSWER = "answer", "Marked an answer in someone's topic"
        SUSPEND = "suspend", "Suspended member"
        UNSUSPEND = "unsuspend", "Lifted suspension"
        RESOLVE = "resolve", "Resolved reports"

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.CharField(max_length=500, blank=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL)
    target = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_id}"
