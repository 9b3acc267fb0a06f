from django.core.management.base import BaseCommand, CommandError

from agenticworks.fieldreports.files import ReportFileError, report_files, reports_sync
from agenticworks.fieldreports.models import FieldReport


class Command(BaseCommand):
    help = (
        "Field reports written as files in agenticworks/fieldreports/reports/: "
        "`check` them, or `sync` them into the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "sync"])

    def handle(self, *args, action: str, **options):
        try:
            if action == "check":
                reports = report_files()
                self.stdout.write(f"{len(reports)} report file(s) are fine.")
                return
            result = reports_sync(FieldReport)
        except ReportFileError as error:
            raise CommandError(str(error)) from None
        for label, slugs in [
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
        ]:
            if slugs:
                self.stdout.write(f"{label}: {', '.join(slugs)}")
        self.stdout.write(self.style.SUCCESS("Field reports are in sync with their files."))
