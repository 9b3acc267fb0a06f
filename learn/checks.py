"""Start-up check: lesson files are parsed when the site starts (runserver, migrate, check)."""

from django.core import checks

from . import content


@checks.register("learn")
def lesson_files(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A warning per error in the lesson files: the site still starts, without those parts."""
    return [
        checks.Warning(str(error), hint="Run `manage.py lessons check`.", id="learn.W001")
        for error in content.library().errors
    ]
