"""Load the field reports written as files, so that a fresh install shows them at once.
Later files are loaded with `manage.py fieldreports sync`."""

from django.db import migrations


def load_report_files(apps, schema_editor):
    from agenticworks.fieldreports.files import reports_sync

    reports_sync(apps.get_model("fieldreports", "FieldReport"))


class Migration(migrations.Migration):
    dependencies = [("fieldreports", "0002_source_file")]

    operations = [migrations.RunPython(load_report_files, migrations.RunPython.noop)]
