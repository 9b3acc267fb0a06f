"""The learn tests read the small fixture track in tests/learn/content, never the real lessons."""

import shutil
from pathlib import Path

import pytest

CONTENT = Path(__file__).parent / "content"
TRACK = "decision-demo"


@pytest.fixture(autouse=True)
def _fixture_lessons(settings):
    settings.LESSONS_DIR = CONTENT


@pytest.fixture
def lessons_copy(settings, tmp_path):
    """A writable copy of the fixture lessons, for tests that edit or break files."""
    root = tmp_path / "lessons"
    shutil.copytree(CONTENT, root)
    settings.LESSONS_DIR = root
    return root


def lesson_url(part: str, suffix: str = "") -> str:
    return f"/learn/{TRACK}/{part}/{suffix}"
