from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="NewsTopic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("name_fr", models.CharField(blank=True, max_length=80, verbose_name="name in French")),
                ("name_en", models.CharField(blank=True, max_length=80, verbose_name="name in English")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position in lists")),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="A retired topic keeps its publications but is no longer offered.",
                        verbose_name="offered",
                    ),
                ),
            ],
            options={
                "verbose_name": "news topic",
                "verbose_name_plural": "news topics",
                "ordering": ["position", "name"],
            },
        ),
    ]
