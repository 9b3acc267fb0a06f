"""Field reports written as files: `reports/<yyyy-mm>-<slug>.md`, YAML front matter + Markdown.

    ---
    title: Launch month
    slug: launch-month
    summary: One sentence for the list and the feed.
    published_at: 2026-11-20        # a date, or a date and time (UTC)
    draft: false                    # optional; true keeps it off the site
    ---
    The body, in Markdown.

`reports_sync` copies them into the database (the site reads reports from there, so reports
written in the admin and as files live side by side). It runs once from a data migration, so a
fresh install has every report, and again whenever you run `manage.py fieldreports sync`.
"""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.text import slugify

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.S)
REQUIRED = ("title", "slug", "summary", "published_at")
KNOWN = {*REQUIRED, "draft"}


class ReportFileError(ValueError):
    """A report file that cannot be published as it is; the message names the file."""


@dataclass(frozen=True)
class ReportFile:
    source: str  # the file name, e.g. "2026-11-launch.md"
    title: str
    slug: str
    summary: str
    published_at: dt.datetime
    is_published: bool
    body: str


def _when(value, source: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        raise ReportFileError(f"{source}: published_at must be a date like 2026-11-20.")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def report_parse(path: Path) -> ReportFile:
    """Read one report file; raise ReportFileError saying what is wrong with it."""
    source = path.name
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ReportFileError(f"{source}: start with a front matter block between --- lines.")
    try:
        meta = yaml.safe_load(match.group("meta")) or {}
    except yaml.YAMLError as error:
        raise ReportFileError(f"{source}: the front matter is not valid YAML ({error}).") from None
    if not isinstance(meta, dict):
        raise ReportFileError(f"{source}: the front matter must be key: value lines.")
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise ReportFileError(f"{source}: missing {', '.join(missing)} in the front matter.")
    unknown = sorted(set(meta) - KNOWN)
    if unknown:
        raise ReportFileError(f"{source}: unknown front matter keys {', '.join(unknown)}.")
    slug = str(meta["slug"])
    if slug != slugify(slug) or len(slug) > 160:
        raise ReportFileError(f"{source}: the slug must be lowercase words joined by hyphens.")
    body = match.group("body").strip()
    if not body:
        raise ReportFileError(f"{source}: the report has no body.")
    return ReportFile(
        source=source,
        title=str(meta["title"])[:160],
        slug=slug,
        summary=str(meta["summary"])[:300],
        published_at=_when(meta["published_at"], source),
        is_published=not meta.get("draft", False),
        body=body + "\n",
    )


def report_files(directory: Path | None = None) -> list[ReportFile]:
    """Every report file in the folder (REPORTS_DIR by default), in file name order; slugs
    must be unique."""
    folder = directory or REPORTS_DIR
    reports = [report_parse(path) for path in sorted(folder.glob("*.md"))]
    seen: dict[str, str] = {}
    for report in reports:
        if report.slug in seen:
            raise ReportFileError(
                f"{report.source}: the slug {report.slug!r} is already used by {seen[report.slug]}."
            )
        seen[report.slug] = report.source
    return reports


@dataclass(frozen=True)
class SyncResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def reports_sync(model, directory: Path | None = None) -> SyncResult:
    """Create or update the database copy of every report file (model: FieldReport, or the
    historical model inside a migration). A report written in the admin with the same slug is
    never overwritten: that is an error to resolve by hand."""
    created, updated, unchanged = [], [], []
    for report in report_files(directory):
        fields = {
            "title": report.title,
            "summary": report.summary,
            "body": report.body,
            "published_at": report.published_at,
            "is_published": report.is_published,
            "source_file": report.source,
        }
        existing = model.objects.filter(slug=report.slug).first()
        if existing is None:
            model.objects.create(slug=report.slug, **fields)
            created.append(report.slug)
            continue
        if existing.source_file != report.source:
            raise ReportFileError(
                f"{report.source}: a report with the slug {report.slug!r} was written in the "
                "admin; rename one of them."
            )
        if all(getattr(existing, name) == value for name, value in fields.items()):
            unchanged.append(report.slug)
            continue
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        updated.append(report.slug)
    return SyncResult(created, updated, unchanged)
