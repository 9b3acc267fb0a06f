"""SQLite: an FTS5 table over tutor_document (external content), kept in sync by triggers.
PostgreSQL searches the same rows with full-text search vectors instead, so this does nothing
there."""

from django.db import migrations

CREATE = [
    """CREATE VIRTUAL TABLE tutor_document_fts USING fts5(
        title, prose, code, content='tutor_document', content_rowid='id',
        tokenize='porter unicode61')""",
    """CREATE TRIGGER tutor_document_ai AFTER INSERT ON tutor_document BEGIN
        INSERT INTO tutor_document_fts(rowid, title, prose, code)
        VALUES (new.id, new.title, new.prose, new.code);
    END""",
    """CREATE TRIGGER tutor_document_ad AFTER DELETE ON tutor_document BEGIN
        INSERT INTO tutor_document_fts(tutor_document_fts, rowid, title, prose, code)
        VALUES ('delete', old.id, old.title, old.prose, old.code);
    END""",
    """CREATE TRIGGER tutor_document_au AFTER UPDATE ON tutor_document BEGIN
        INSERT INTO tutor_document_fts(tutor_document_fts, rowid, title, prose, code)
        VALUES ('delete', old.id, old.title, old.prose, old.code);
        INSERT INTO tutor_document_fts(rowid, title, prose, code)
        VALUES (new.id, new.title, new.prose, new.code);
    END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS tutor_document_au",
    "DROP TRIGGER IF EXISTS tutor_document_ad",
    "DROP TRIGGER IF EXISTS tutor_document_ai",
    "DROP TABLE IF EXISTS tutor_document_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tutor", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
