import pytest

TRACK = "brains-decision-committee"


@pytest.fixture(autouse=True)
def _tutor_settings(settings, tmp_path):
    settings.LESSONS_DIR = settings.BASE_DIR / "lessons_content"
    settings.TUTOR_ENABLED = True
    settings.TUTOR_LLM_URL = ""
    settings.TUTOR_LLM_MODEL = ""
    settings.TUTOR_QUESTIONS_PER_HOUR = 1000
    settings.TUTOR_QUESTIONS_PER_HOUR_ADDRESS = 1000
    # No runner here: the kernel summary is empty (tests/tutor/test_kernel_summary.py has one).
    settings.SANDBOX_SOCKET = tmp_path / "no-runner.sock"
    settings.SANDBOX_RUNNERS = []


def tutor_url(part: str) -> str:
    return f"/learn/{TRACK}/{part}/tutor"


def ask(client, part: str, question: str, **extra):
    return client.post(
        tutor_url(part),
        {"question": question, **extra},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
