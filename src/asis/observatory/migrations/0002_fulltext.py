"""Full-text search structures: a GIN index on PostgreSQL, an FTS5 table on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS observatory_search_vector_gin "
                "ON observatory_initiativesearch USING GIN (vector)"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS observatory_fts USING fts5("
                "document, initiative_id UNINDEXED, language UNINDEXED, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS observatory_search_vector_gin")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS observatory_fts")


class Migration(migrations.Migration):
    dependencies = [("observatory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
