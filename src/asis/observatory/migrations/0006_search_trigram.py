"""Search that finds what people type: folded documents with a trigram index.

PostgreSQL: the pg_trgm extension (trusted since PostgreSQL 13, so the database owner may create
it) and a GIN trigram index on ``folded`` for substring (LIKE '%word%') and word-similarity queries.
SQLite: an FTS5 table with the trigram tokenizer over the folded documents. Both: the vocabulary
table the typo fallback compares with (trigram-indexed on PostgreSQL). Existing documents are rebuilt.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("CREATE INDEX IF NOT EXISTS observatory_search_folded_trgm "
                           "ON observatory_initiativesearch USING GIN (folded gin_trgm_ops)")
            cursor.execute("CREATE INDEX IF NOT EXISTS observatory_searchword_trgm "
                           "ON observatory_searchword USING GIN (word gin_trgm_ops)")
        elif connection.vendor == "sqlite":
            cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS observatory_fts_trigram USING fts5("
                           "folded, initiative_id UNINDEXED, language UNINDEXED, tokenize = 'trigram')")
    if apps.get_model("observatory", "InitiativeSearch").objects.exists():
        from asis.observatory.search import reindex_all  # the documents' format is the indexer's

        reindex_all()


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS observatory_searchword_trgm")
            cursor.execute("DROP INDEX IF EXISTS observatory_search_folded_trgm")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS observatory_fts_trigram")


class Migration(migrations.Migration):
    dependencies = [("observatory", "0005_catalogue_change_log")]
    operations = [
        migrations.AddField("initiativesearch", "folded", models.TextField(null=True, blank=True)),
        migrations.AddField("initiativesearch", "title_folded", models.TextField(null=True, blank=True)),
        migrations.CreateModel("SearchWord", [
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("word", models.CharField(max_length=100, unique=True)),
            ("written", models.CharField(max_length=100)),
        ]),
        migrations.RunPython(forwards, backwards),
    ]
