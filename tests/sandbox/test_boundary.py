"""The runner stays outside the site: it imports nothing of Django or the project, and what the
site passes it holds no secret."""

import subprocess
import sys

from django.conf import settings

from learn import sandbox


def test_the_runner_imports_nothing_from_the_site():
    code = (
        "import sys\n"
        "import sandbox.__main__, sandbox.server, sandbox.zygote, sandbox.kernel\n"
        "site = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'agenticworks', 'learn', 'forum', 'showcase')]\n"
        "print(site)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "[]"


def test_the_runner_environment_holds_limits_and_no_secret(settings):
    settings.SECRET_KEY = "a-very-secret-key"
    settings.SANDBOX_TOKEN = "a-very-secret-token"
    env = sandbox.runner_environment()
    assert env["SANDBOX_CPU_SECONDS"] == str(settings.SANDBOX_CPU_SECONDS)
    assert not any("secret" in value for value in env.values())
    assert not {"DJANGO_SECRET_KEY", "SANDBOX_TOKEN", "DATABASE_URL"} & set(env)
