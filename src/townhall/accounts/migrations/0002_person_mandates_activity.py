import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='person',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='account', to='registry.person', verbose_name='person in the register'),
        ),
        migrations.CreateModel(
            name='ActivityRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('actor_name', models.CharField(max_length=200, verbose_name='actor')),
                ('action', models.CharField(max_length=60, verbose_name='action')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activity', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                ('assisted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assisted by')),
                ('on_behalf_of_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.organisation', verbose_name='for organisation')),
                ('on_behalf_of_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.person', verbose_name='for person')),
            ],
            options={
                'verbose_name': 'activity record',
                'verbose_name_plural': 'activity records',
                'ordering': ['-at'],
            },
        ),
        migrations.CreateModel(
            name='Mandate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(choices=[('all', 'everything on the online counter'), ('personal_data', 'view my data'), ('certificates', 'request certificates'), ('cases', 'submit and follow applications'), ('messages', 'read my messages')], max_length=20, verbose_name='scope')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_until', models.DateField(verbose_name='valid until')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('grantee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mandates_received', to='registry.person', verbose_name='given to')),
                ('grantor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mandates_given', to='registry.person', verbose_name='given by')),
            ],
            options={
                'verbose_name': 'mandate',
                'verbose_name_plural': 'mandates',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('valid_from'))), name='mandate_ends_after_start', violation_error_message='A mandate cannot end before it starts.'), models.CheckConstraint(condition=models.Q(('grantor', models.F('grantee')), _negated=True), name='mandate_not_to_oneself', violation_error_message='You cannot give a mandate to yourself.')],
            },
        ),
    ]
