"""Background work through the Django Tasks API, on the real workers."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import modify_settings, override_settings
from django_tasks import TaskResultStatus

from townhall.municipality.models import Municipality
from townhall.tasks import enqueue_after_commit
from townhall.tests.tasks import count_municipalities, shout

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "urgent"]}
}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "urgent"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_worker_runs_a_task_after_commit():
    Municipality.objects.create(
        name="Testgem",
        nis_code="99999",
        street="Markt",
        house_number="1",
        postcode="9999",
        email="info@example.org",
        phone="+3250000000",
    )
    with transaction.atomic():
        enqueue_after_commit(count_municipalities, "municipalities: ")
        # Not queued yet: the transaction has not committed.
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.count() == 0
    result_row = DBTaskResult.objects.get()

    call_command("db_worker", "--queue-name", "*", "--batch", "--no-startup-delay", "--no-reload")

    result = count_municipalities.get_result(str(result_row.id))
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "municipalities: 1"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_rollback_enqueues_nothing():
    from django_tasks_db.models import DBTaskResult

    def failing_business_change():
        with transaction.atomic():
            enqueue_after_commit(shout, "never")
            raise RuntimeError("business change failed")

    with pytest.raises(RuntimeError):
        failing_business_change()
    assert DBTaskResult.objects.count() == 0


def test_immediate_backend_in_tests():
    result = shout.enqueue("hello")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "HELLO"


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
@override_settings(TASKS=RQ_TASKS)
# The tests run with another backend, so the Redis Queue apps are not installed yet.
@modify_settings(INSTALLED_APPS={"append": settings.RQ_APPS})
def test_rq_worker_runs_a_task():
    import django_rq

    queue = django_rq.get_queue("urgent")
    queue.empty()
    result = shout.enqueue("from redis")
    assert result.status == TaskResultStatus.READY

    call_command(
        "rqworker",
        "urgent",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        "--worker-class",
        "rq.SimpleWorker",
    )

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "FROM REDIS"
