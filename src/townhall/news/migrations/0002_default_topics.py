"""The topics every installation starts with (the issue's list); staff edit them later."""

from django.db import migrations

DEFAULT_TOPICS = (
    ("road-works", "Wegenwerken", "Travaux de voirie", "Road works"),
    ("waste-collection", "Afvalophaling", "Collecte des déchets", "Waste collection"),
    ("events", "Evenementen", "Événements", "Events"),
    ("library", "Bibliotheek", "Bibliothèque", "Library"),
    ("council-decisions", "Beslissingen van de gemeenteraad", "Décisions du conseil communal", "Council decisions"),
    ("subsidies", "Subsidies", "Subsides", "Subsidies"),
    ("safety", "Veiligheid", "Sécurité", "Safety"),
)


def add_topics(apps, schema_editor):
    NewsTopic = apps.get_model("news", "NewsTopic")
    for position, (code, name, name_fr, name_en) in enumerate(DEFAULT_TOPICS, start=1):
        NewsTopic.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_fr": name_fr, "name_en": name_en, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
