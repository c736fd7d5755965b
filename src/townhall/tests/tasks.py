"""Tasks used by the tests of the task backends."""

from django_tasks import task

from townhall.municipality.models import Municipality


@task()
def count_municipalities(prefix: str) -> str:
    """Reads the database, so a worker must see committed data."""
    return f"{prefix}{Municipality.objects.count()}"


@task(queue_name="urgent")
def shout(text: str) -> str:
    return text.upper()
