# The import runs and their rejected rows move to the importers app
# (townhall.importers, migration importers/0001_initial). Only Django's state
# changes here: the tables registry_importrun and registry_importrejection stay,
# with their rows, and the importers app's models keep those table names.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_access_log_searches'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='ImportRejection',
                ),
                migrations.DeleteModel(
                    name='ImportRun',
                ),
            ],
            database_operations=[],
        ),
    ]
