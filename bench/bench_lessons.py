"""Lesson page speed: median server time with a cold and a warm cache, and SQL queries.

Run with `python -m bench.bench_lessons` (or `make bench`). Uses a throwaway test database and
the real lessons when there are any, else the test fixture track. Prints a Markdown table.
"""

import os
import statistics
import time
import warnings
from pathlib import Path

ROUNDS = 15
FIXTURE_LESSONS = Path(__file__).resolve().parent.parent / "tests" / "learn" / "content"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agenticworks.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SECURE", "false")
    # WhiteNoise notes the missing collectstatic folder; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def _pick_part(settings):
    from learn import content

    for root in (settings.LESSONS_DIR, FIXTURE_LESSONS):
        parts = [part for track in content.library(root).tracks for part in track.parts]
        if parts:
            # The longest part is the slowest to render: measure that one.
            return root, max(parts, key=lambda part: part.path.stat().st_size)
    raise SystemExit("No lesson parts found to benchmark.")


def _forget_everything() -> None:
    from learn import content, render

    content._parts.clear()
    content._libraries.clear()
    render.clear_cache()


def _median_ms(client, url: str, *, cold: bool) -> float:
    timings = []
    for _ in range(ROUNDS):
        if cold:
            _forget_everything()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings)


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def main() -> None:
    _setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from agenticworks.accounts.services import user_create

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        root, part = _pick_part(settings)
        with override_settings(LESSONS_DIR=root, STORAGES=storages, SECURE_SSL_REDIRECT=False):
            url = f"/learn/{part.track}/{part.slug}/"
            visitor = Client()
            member = Client()
            member.force_login(
                user_create(username="bench", email="bench@example.com", password="x" * 20)
            )
            rows = [
                ("visitor", visitor),
                ("member", member),
            ]
            print(f"Lesson page `{url}` ({len(part.cells)} cells), median of {ROUNDS} requests\n")
            print("| learner | cold cache (ms) | warm cache (ms) | SQL queries |")
            print("| --- | ---: | ---: | ---: |")
            for name, client in rows:
                cold = _median_ms(client, url, cold=True)
                warm = _median_ms(client, url, cold=False)
                print(f"| {name} | {cold:.1f} | {warm:.1f} | {_queries(client, url)} |")
            track_url = f"/learn/{part.track}/"
            warm = _median_ms(member, track_url, cold=False)
            print(f"| member, track page | – | {warm:.1f} | {_queries(member, track_url)} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
