# The import runs and their rejected rows, moved here from the registry app
# (registry/0006_importers_app removes them from its state). The tables exist
# already (registry/0002_import_runs made them) and keep their names and rows:
# this migration creates the models in Django's state only, and hands the
# content types (and so the permissions given on them) over to this app.

import django.db.models.deletion
from django.db import migrations, models

MODELS = ('importrun', 'importrejection')


def content_types_move(apps, schema_editor, *, old, new):
    """Give the models' content types the app label they now have, so that the
    permissions and admin log entries that point at them follow the models."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue  # already there: the old one is stale (remove_stale_contenttypes)
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def content_types_to_importers(apps, schema_editor):
    content_types_move(apps, schema_editor, old='registry', new='importers')


def content_types_to_registry(apps, schema_editor):
    content_types_move(apps, schema_editor, old='importers', new='registry')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('registry', '0006_importers_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(max_length=30, verbose_name='source')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file')),
                        ('checksum', models.CharField(max_length=64, verbose_name='SHA-256 of the file')),
                        ('scope', models.CharField(max_length=200, verbose_name='scope')),
                        ('status', models.CharField(choices=[('running', 'running'), ('failed', 'stopped by an error'), ('completed', 'completed')], default='running', max_length=10, verbose_name='status')),
                        ('step', models.CharField(blank=True, max_length=50, verbose_name='current step')),
                        ('position', models.JSONField(default=dict, verbose_name='position reached')),
                        ('counts', models.JSONField(default=dict, verbose_name='counts')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last commit')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                    ],
                    options={
                        'verbose_name': 'import run',
                        'verbose_name_plural': 'import runs',
                        'db_table': 'registry_importrun',
                        'ordering': ['-started_at', '-pk'],
                        'indexes': [models.Index(fields=['source', 'checksum', 'scope'], name='registry_im_source_0d7634_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='ImportRejection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file')),
                        ('line', models.PositiveBigIntegerField(verbose_name='line')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rejections', to='importers.importrun')),
                    ],
                    options={
                        'verbose_name': 'rejected row',
                        'verbose_name_plural': 'rejected rows',
                        'db_table': 'registry_importrejection',
                        'ordering': ['run', 'pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_importers, content_types_to_registry),
    ]
