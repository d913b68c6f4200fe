"""Organisation onboarding: e-mail verification and consent on the user, an organisation
administrator role, requests to join and e-mailed invitations.

Every account that exists before this migration counts as verified from the day it joined: they
were made by administrators, the demo or before verification existed."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def existing_users_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=models.F("date_joined"))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_organisation_website_safe_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='address',
            field=models.TextField(blank=True, max_length=500, verbose_name='postal address'),
        ),
        migrations.AddField(
            model_name='user',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='e-mail address verified at'),
        ),
        migrations.RunPython(existing_users_verified, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='user',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='e-mail address verified at'),
        ),
        migrations.AddField(
            model_name='user',
            name='terms_accepted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='terms accepted at'),
        ),
        migrations.AddField(
            model_name='user',
            name='terms_version',
            field=models.CharField(blank=True, max_length=40, verbose_name='version of the accepted terms'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('organisation_admin', 'Organisation administrator'), ('programme_manager', 'Programme manager'), ('evaluator', 'Evaluator'), ('project_holder', 'Project holder'), ('member', 'Member')], max_length=32, verbose_name='role'),
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='email address')),
                ('role', models.CharField(choices=[('organisation_admin', 'Organisation administrator'), ('programme_manager', 'Programme manager'), ('evaluator', 'Evaluator'), ('project_holder', 'Project holder'), ('member', 'Member')], max_length=32, verbose_name='role')),
                ('nonce', models.CharField(editable=False, max_length=32)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='accounts.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'invitation',
                'verbose_name_plural': 'invitations',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='JoinRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message', models.TextField(blank=True, max_length=2000, verbose_name='message to the administrators')),
                ('status', models.CharField(choices=[('pending', 'Waiting for an answer'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='pending', max_length=20, verbose_name='status')),
                ('role', models.CharField(blank=True, choices=[('organisation_admin', 'Organisation administrator'), ('programme_manager', 'Programme manager'), ('evaluator', 'Evaluator'), ('project_holder', 'Project holder'), ('member', 'Member')], max_length=32, verbose_name='role given')),
                ('reason', models.TextField(blank=True, max_length=2000, verbose_name='reason for declining')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to='accounts.organisation', verbose_name='organisation')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='join_requests', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'request to join',
                'verbose_name_plural': 'requests to join',
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user', 'organisation'), name='join_request_one_pending')],
            },
        ),
    ]
