from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "learn"
    verbose_name = "Lessons"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the lesson-file check
