from django.conf import settings
from django.db import models
from django.urls import reverse


class Profile(models.Model):
    """What a member shows the community: a name, a few words, and links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(
        max_length=2000, blank=True, help_text="Markdown; up to 2,000 characters."
    )
    website = models.URLField(blank=True, max_length=300)
    github = models.CharField(
        "GitHub username", max_length=39, blank=True, help_text="Just the name, e.g. octocat."
    )
    location = models.CharField(max_length=80, blank=True)
    progress_public = models.BooleanField(
        "Show my lesson progress on my public profile", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("member", args=[self.user.username])

    @property
    def name(self) -> str:
        return self.display_name or self.user.username

    @property
    def initials(self) -> str:
        words = self.name.replace("_", " ").replace("-", " ").split()
        letters = "".join(word[0] for word in words[:2]) or self.user.username[:2]
        return letters.upper()

    @property
    def github_url(self) -> str:
        return f"https://github.com/{self.github}" if self.github else ""
