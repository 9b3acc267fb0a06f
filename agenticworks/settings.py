"""Settings for AgenticWorks.

Every value that differs between a laptop and a deployment comes from the environment, with a
default that is safe for development. Booleans are parsed strictly so that a typo cannot switch
debugging on in production.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str = "false") -> bool:
    """Read a boolean from the environment; anything but a known spelling is an error."""
    value = os.environ.get(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "false")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(for local development run `make run`, which turns debugging on)."
        )
    # Only ever used with DEBUG on; production refuses to start without a real key.
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "agenticworks.pages",
    "agenticworks.accounts",
    "agenticworks.fieldreports",
    "learn",
    "forum",
    "showcase",
    "certificates",
    "tutor",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "agenticworks.urls"
WSGI_APPLICATION = "agenticworks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agenticworks.pages.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the busy timeout makes a second writer
    # wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every web process: rate limits and throttles must see each other's hits.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "agenticworks_cache",
        }
    }

AUTHENTICATION_BACKENDS = ["agenticworks.accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"  # the account URLs are not namespaced (see accounts/urls.py)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Failed sign-ins allowed per account and per client address within the window.
LOGIN_THROTTLE_PER_ACCOUNT = envint("LOGIN_THROTTLE_PER_ACCOUNT", 5)
LOGIN_THROTTLE_PER_IP = envint("LOGIN_THROTTLE_PER_IP", 20)
LOGIN_THROTTLE_WINDOW = envint("LOGIN_THROTTLE_WINDOW", 15 * 60)
# Failed sign-ins for one account from everywhere: far above the per-address figure, so a
# stranger cannot lock the owner out.
LOGIN_THROTTLE_PER_ACCOUNT_TOTAL = envint("LOGIN_THROTTLE_PER_ACCOUNT_TOTAL", 100)
PASSWORD_RESET_PER_IP = envint("PASSWORD_RESET_PER_IP", 5)
PASSWORD_RESET_PER_ACCOUNT = envint("PASSWORD_RESET_PER_ACCOUNT", 3)
PASSWORD_RESET_WINDOW = envint("PASSWORD_RESET_WINDOW", 60 * 60)
SIGNUP_THROTTLE_PER_IP = envint("SIGNUP_THROTTLE_PER_IP", 10)
# Number of reverse proxies in front of the site whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: the console in development, SMTP from the environment otherwise.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "AgenticWorks <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. HTTPS settings default on outside debugging; a deployment behind a
# TLS-terminating proxy sets SECURE_PROXY_SSL_HEADER through DJANGO_BEHIND_TLS_PROXY.
SECURE = not DEBUG and envbool("DJANGO_SECURE", "true")
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if envbool("DJANGO_BEHIND_TLS_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Strict CSP: no inline script or style anywhere; images may be data:/blob: URLs because cell
# outputs arrive as base64 PNGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING" if not DEBUG else "INFO"}},
}

# Where lesson sources live; the learn app reads them.
LESSONS_DIR = Path(os.environ.get("LESSONS_DIR", BASE_DIR / "lessons_content"))

# "Open in Colab": owner/repo/branch[/folder] where `manage.py lessons export` notebooks are
# committed on GitHub. Unset: the button explains how to upload the downloaded notebook.
COLAB_GITHUB_REPO = os.environ.get("COLAB_GITHUB_REPO", "")
# Showcase: cover images, and how many projects and comments a member may post per hour.
# Accounts younger than SHOWCASE_NEW_ACCOUNT_HOURS get the lower *_NEW limits.
SHOWCASE_COVER_MAX_BYTES = envint("SHOWCASE_COVER_MAX_BYTES", 5 * 1024 * 1024)
SHOWCASE_COVER_MAX_PIXELS = envint("SHOWCASE_COVER_MAX_PIXELS", 4096 * 4096)
SHOWCASE_COVER_MAX_SIDE = envint("SHOWCASE_COVER_MAX_SIDE", 1600)
SHOWCASE_PROJECTS_PER_HOUR = envint("SHOWCASE_PROJECTS_PER_HOUR", 6)
SHOWCASE_PROJECTS_PER_HOUR_NEW = envint("SHOWCASE_PROJECTS_PER_HOUR_NEW", 2)
SHOWCASE_COMMENTS_PER_HOUR = envint("SHOWCASE_COMMENTS_PER_HOUR", 30)
SHOWCASE_COMMENTS_PER_HOUR_NEW = envint("SHOWCASE_COMMENTS_PER_HOUR_NEW", 6)
SHOWCASE_NEW_ACCOUNT_HOURS = envint("SHOWCASE_NEW_ACCOUNT_HOURS", 24)
# Forum: page sizes and the limits that keep spam out. Times are in seconds.
FORUM_TOPICS_PER_PAGE = envint("FORUM_TOPICS_PER_PAGE", 25)
FORUM_POSTS_PER_PAGE = envint("FORUM_POSTS_PER_PAGE", 20)
FORUM_POST_MAX_LENGTH = envint("FORUM_POST_MAX_LENGTH", 20000)
FORUM_POST_INTERVAL = envint("FORUM_POST_INTERVAL", 15)
FORUM_DUPLICATE_WINDOW = envint("FORUM_DUPLICATE_WINDOW", 10 * 60)
FORUM_NEW_MEMBER_AGE = envint("FORUM_NEW_MEMBER_AGE", 24 * 60 * 60)
# A young account that completes this many lesson sections is trusted at once.
FORUM_TRUSTED_SECTIONS = envint("FORUM_TRUSTED_SECTIONS", 3)
FORUM_NEW_MEMBER_POST_INTERVAL = envint("FORUM_NEW_MEMBER_POST_INTERVAL", 2 * 60)
FORUM_NEW_MEMBER_TOPICS_PER_DAY = envint("FORUM_NEW_MEMBER_TOPICS_PER_DAY", 3)
FORUM_NEW_MEMBER_REPLIES_PER_DAY = envint("FORUM_NEW_MEMBER_REPLIES_PER_DAY", 10)
FORUM_TOPICS_PER_DAY = envint("FORUM_TOPICS_PER_DAY", 20)
FORUM_REPLIES_PER_DAY = envint("FORUM_REPLIES_PER_DAY", 200)
FORUM_REPORTS_TO_HIDE = envint("FORUM_REPORTS_TO_HIDE", 3)
# --- Code sandbox (SPEC section 4) ---------------------------------------------------------
# The runner is a separate process (`python -m sandbox serve`); the site reaches it over a Unix
# socket, or over TCP with a shared token when it runs on several hosts. The limits are passed to
# a runner the site starts itself (make run, tests); runner hosts read the same SANDBOX_* names.
SANDBOX_SOCKET = Path(
    os.environ.get("SANDBOX_SOCKET", BASE_DIR / "var" / "sandbox" / "runner.sock")
)
SANDBOX_RUNNERS = envlist("SANDBOX_RUNNERS")  # e.g. tcp://10.0.0.5:7300,tcp://10.0.0.6:7300
SANDBOX_TOKEN = os.environ.get("SANDBOX_TOKEN", "")
# Sites that share runner hosts (e.g. staging and production) keep their kernels apart by this.
SANDBOX_KERNEL_NAMESPACE = os.environ.get("SANDBOX_KERNEL_NAMESPACE", "")
SANDBOX_ALLOW_PARTIAL_ISOLATION = envbool("SANDBOX_ALLOW_PARTIAL_ISOLATION", "false")
SANDBOX_CPU_SECONDS = envint("SANDBOX_CPU_SECONDS", 10)
SANDBOX_WALL_SECONDS = envint("SANDBOX_WALL_SECONDS", 20)
SANDBOX_MEMORY_MB = envint("SANDBOX_MEMORY_MB", 512)
SANDBOX_OUTPUT_BYTES = envint("SANDBOX_OUTPUT_BYTES", 1024 * 1024)
SANDBOX_MAX_FIGURES = envint("SANDBOX_MAX_FIGURES", 10)
SANDBOX_FIGURE_BYTES = envint("SANDBOX_FIGURE_BYTES", 2 * 1024 * 1024)
SANDBOX_SCRATCH_MB = envint("SANDBOX_SCRATCH_MB", 32)
SANDBOX_KERNELS_PER_VISITOR = envint("SANDBOX_KERNELS_PER_VISITOR", 3)
SANDBOX_MAX_KERNELS = envint("SANDBOX_MAX_KERNELS", 256)
SANDBOX_IDLE_SECONDS = envint("SANDBOX_IDLE_SECONDS", 15 * 60)
SANDBOX_MIN_FREE_MB = envint("SANDBOX_MIN_FREE_MB", 512)
# Fair eviction (see README, Sandbox): the share of SANDBOX_MAX_KERNELS kept for signed-in
# learners, the kernels one visitor address may hold, how long a kernel that ran counts as in use.
SANDBOX_MEMBER_RESERVE_PERCENT = envint("SANDBOX_MEMBER_RESERVE_PERCENT", 25)
SANDBOX_KERNELS_PER_CLIENT = envint("SANDBOX_KERNELS_PER_CLIENT", 12)
SANDBOX_RECENT_SECONDS = envint("SANDBOX_RECENT_SECONDS", 180)
# cgroups: per-kernel memory ceiling and the ceiling of all kernels (0: worked out), CPU weight.
SANDBOX_CGROUP_MEMORY_MB = envint("SANDBOX_CGROUP_MEMORY_MB", 0)
SANDBOX_CGROUP_TOTAL_MB = envint("SANDBOX_CGROUP_TOTAL_MB", 0)
SANDBOX_CPU_SHARES = envint("SANDBOX_CPU_SHARES", 1024)
SANDBOX_CODE_BYTES = envint("SANDBOX_CODE_BYTES", 64 * 1024)  # longest cell source accepted
LAB_SCRATCH_CELLS = envint("LAB_SCRATCH_CELLS", 30)  # scratch cells a member keeps per part
SANDBOX_RUNS_PER_MINUTE = envint("SANDBOX_RUNS_PER_MINUTE", 120)  # per learner
# Per client address (IPv4, or an IPv6 /64 behind TRUSTED_PROXY_COUNT), on top of the per-learner
# limits, so that dropping the session cookie buys nothing. Well above one learner's figures: a
# class of 30 behind one NAT shares them.
SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS = envint("SANDBOX_RUNS_PER_MINUTE_PER_ADDRESS", 600)
SANDBOX_NEW_KERNELS_PER_ADDRESS = envint("SANDBOX_NEW_KERNELS_PER_ADDRESS", 150)  # per window
SANDBOX_NEW_SESSIONS_PER_ADDRESS = envint("SANDBOX_NEW_SESSIONS_PER_ADDRESS", 60)  # per window
SANDBOX_ADDRESS_WINDOW = envint("SANDBOX_ADDRESS_WINDOW", 60 * 60)  # seconds
# Replay after a lost kernel (SPEC 10): how much of a learner's work per part is kept, and how
# long a new kernel may spend replaying it before the asked cell runs.
SANDBOX_HISTORY_CELLS = envint("SANDBOX_HISTORY_CELLS", 60)
SANDBOX_HISTORY_BYTES = envint("SANDBOX_HISTORY_BYTES", 128 * 1024)
SANDBOX_REPLAY_SECONDS = envint("SANDBOX_REPLAY_SECONDS", 30)
# --- end of code sandbox settings ----------------------------------------------------------
# --- AI tutor (SPEC section 10, "Help when stuck") -----------------------------------------
# Built-in engine by default (no network). Set TUTOR_LLM_URL (an OpenAI-compatible server, e.g.
# http://127.0.0.1:11434/v1 for Ollama) and TUTOR_LLM_MODEL to use a language model.
TUTOR_ENABLED = envbool("TUTOR_ENABLED", "true")
TUTOR_QUESTION_MAX_CHARS = envint("TUTOR_QUESTION_MAX_CHARS", 2000)
TUTOR_QUESTIONS_PER_HOUR = envint("TUTOR_QUESTIONS_PER_HOUR", 30)  # per member
TUTOR_QUESTIONS_PER_HOUR_ADDRESS = envint("TUTOR_QUESTIONS_PER_HOUR_ADDRESS", 60)
TUTOR_LLM_URL = os.environ.get("TUTOR_LLM_URL", "")
TUTOR_LLM_MODEL = os.environ.get("TUTOR_LLM_MODEL", "")
TUTOR_LLM_API_KEY = os.environ.get("TUTOR_LLM_API_KEY", "")
TUTOR_LLM_TIMEOUT = envint("TUTOR_LLM_TIMEOUT", 20)  # seconds to connect and between chunks
TUTOR_LLM_DAILY_REQUESTS = envint("TUTOR_LLM_DAILY_REQUESTS", 1000)
TUTOR_LLM_DAILY_TOKENS = envint("TUTOR_LLM_DAILY_TOKENS", 2_000_000)
