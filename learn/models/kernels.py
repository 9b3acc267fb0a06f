"""Where each learner's kernel lives when the site uses several runner hosts."""

from django.db import models


class KernelPlacement(models.Model):
    """Sticky map kernel → runner host: a kernel's state exists on one host only."""

    kernel_id = models.CharField(max_length=64, unique=True)
    owner = models.CharField(max_length=64, db_index=True)  # a hash of the learner, not the key
    host = models.CharField(max_length=200)  # "tcp://host:port" or "unix:///path"
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "kernel placement"
        indexes = [models.Index(fields=["host"])]

    def __str__(self) -> str:
        return f"{self.kernel_id[:12]}… on {self.host}"
