"""Field reports written as files: parsing, checking and syncing into the database."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agenticworks.fieldreports import files
from agenticworks.fieldreports.files import ReportFileError, report_files, reports_sync
from agenticworks.fieldreports.models import FieldReport

GOOD = """---
title: December notes
slug: 2026-12-notes
summary: What happened in December.
published_at: 2026-12-01
---
Kernels got **faster**.
"""


def write(folder, name="2026-12-notes.md", text=GOOD):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_report_file_is_parsed(tmp_path):
    [report] = report_files(write(tmp_path).parent)
    assert report.title == "December notes"
    assert report.slug == "2026-12-notes"
    assert report.published_at == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert report.is_published
    assert report.body == "Kernels got **faster**.\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("No front matter here.", "start with a front matter block"),
        ("---\ntitle: [unclosed\n---\nBody", "not valid YAML"),
        ("---\ntitle: T\nslug: s\nsummary: S\n---\nBody", "missing published_at"),
        (
            "---\ntitle: T\nslug: Not A Slug\nsummary: S\npublished_at: 2026-12-01\n---\nBody",
            "slug",
        ),
        ("---\ntitle: T\nslug: s\nsummary: S\npublished_at: soon\n---\nBody", "must be a date"),
        ("---\ntitle: T\nslug: s\nsummary: S\npublished_at: 2026-12-01\nauthr: x\n---\nB", "authr"),
        ("---\ntitle: T\nslug: s\nsummary: S\npublished_at: 2026-12-01\n---\n\n", "no body"),
    ],
)
def test_mistakes_are_reported_with_the_file_name(tmp_path, text, message):
    write(tmp_path, "bad.md", text)
    with pytest.raises(ReportFileError, match=message) as error:
        report_files(tmp_path)
    assert str(error.value).startswith("bad.md:")


def test_two_files_with_one_slug_are_refused(tmp_path):
    write(tmp_path, "a.md")
    write(tmp_path, "b.md")
    with pytest.raises(ReportFileError, match=r"already used by a\.md"):
        report_files(tmp_path)


def test_sync_creates_updates_and_leaves_unchanged(db, tmp_path):
    write(tmp_path)
    assert reports_sync(FieldReport, tmp_path).created == ["2026-12-notes"]
    assert reports_sync(FieldReport, tmp_path).unchanged == ["2026-12-notes"]
    write(tmp_path, text=GOOD.replace("faster", "much faster"))
    assert reports_sync(FieldReport, tmp_path).updated == ["2026-12-notes"]
    report = FieldReport.objects.get(slug="2026-12-notes")
    assert "much faster" in report.body
    assert report.source_file == "2026-12-notes.md"


def test_a_draft_file_is_not_published(db, tmp_path):
    write(tmp_path, text=GOOD.replace("---\nKernels", "draft: true\n---\nKernels"))
    reports_sync(FieldReport, tmp_path)
    assert not FieldReport.objects.published().filter(slug="2026-12-notes").exists()


def test_sync_never_overwrites_a_report_written_in_the_admin(db, tmp_path):
    FieldReport.objects.create(title="Admin's", slug="2026-12-notes", summary="s", body="b")
    write(tmp_path)
    with pytest.raises(ReportFileError, match="was written in the admin"):
        reports_sync(FieldReport, tmp_path)
    assert FieldReport.objects.get(slug="2026-12-notes").title == "Admin's"


def test_the_command_checks_and_syncs(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(files, "REPORTS_DIR", tmp_path)
    write(tmp_path)
    call_command("fieldreports", "check")
    assert "1 report file(s) are fine." in capsys.readouterr().out
    call_command("fieldreports", "sync")
    assert "created: 2026-12-notes" in capsys.readouterr().out
    write(tmp_path, "bad.md", "nothing")
    with pytest.raises(CommandError, match=r"bad\.md"):
        call_command("fieldreports", "sync")


def test_the_shipped_files_are_valid_and_the_launch_report_is_installed(db):
    reports = report_files()
    assert "2026-11-launch" in [report.slug for report in reports]
    # The data migration loaded it, so a fresh install shows it at once.
    launch = FieldReport.objects.get(slug="2026-11-launch")
    assert launch.source_file == "2026-11-launch.md"
    assert "Share to showcase" in launch.body
    assert reports_sync(FieldReport).unchanged == [report.slug for report in reports]
