# Drafts keep their answers encrypted at rest (as submissions do), record the staff
# member of an assisted session, and have one resume link each.

import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def encrypt_answers(apps, schema_editor):
    """Every existing draft's JSON answers, encrypted with the first key."""
    from townhall.registry import protection

    Draft = apps.get_model("eforms", "Draft")
    for draft in Draft.objects.only("pk", "data").iterator(chunk_size=500):
        Draft.objects.filter(pk=draft.pk).update(
            data_encrypted=protection.encrypt(json.dumps(draft.data or {}, sort_keys=True))
        )


def decrypt_answers(apps, schema_editor):
    from townhall.registry import protection

    Draft = apps.get_model("eforms", "Draft")
    for draft in Draft.objects.exclude(data_encrypted="").only("pk", "data_encrypted").iterator(
        chunk_size=500
    ):
        Draft.objects.filter(pk=draft.pk).update(
            data=json.loads(protection.decrypt(draft.data_encrypted))
        )


class Migration(migrations.Migration):

    dependencies = [
        ('eforms', '0002_referencecounter_submission'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='draft',
            name='data_encrypted',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(encrypt_answers, decrypt_answers, elidable=False),
        migrations.RemoveField(
            model_name='draft',
            name='data',
        ),
        migrations.AddField(
            model_name='draft',
            name='assisted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='draft',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='last saved'),
        ),
        migrations.AddIndex(
            model_name='draft',
            index=models.Index(fields=['updated_at'], name='eforms_draft_updated'),
        ),
        migrations.CreateModel(
            name='ResumeLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('draft', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='resume_link', to='eforms.draft')),
            ],
            options={
                'verbose_name': 'resume link',
                'verbose_name_plural': 'resume links',
            },
        ),
    ]
