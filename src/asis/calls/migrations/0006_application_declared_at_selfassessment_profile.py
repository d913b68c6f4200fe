from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0005_call_documents_faq_contact_notify'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='declared_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='declaration accepted'),
        ),
        migrations.AddField(
            model_name='selfassessment',
            name='profile',
            field=models.JSONField(blank=True, default=dict, verbose_name='project profile'),
        ),
    ]
