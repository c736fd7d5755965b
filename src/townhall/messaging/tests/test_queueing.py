"""Messaging enqueues through queueing.py: the work modules never import the tasks, and
the tasks keep the paths that queued jobs store."""

import grimp
import pytest

from townhall.messaging import queueing, tasks

WORK_MODULES = ("broadcasts", "delivery", "services", "queueing")
TASK_NAMES = (
    "message_deliver_task",
    "messages_deliver_task",
    "broadcast_prepare_task",
    "broadcast_prepare_part_task",
    "messages_sweep_task",
)


def test_the_work_modules_never_import_the_tasks():
    graph = grimp.build_graph("townhall", cache_dir=None)
    importing = [
        name
        for name in WORK_MODULES
        if graph.chain_exists(
            importer=f"townhall.messaging.{name}", imported="townhall.messaging.tasks"
        )
    ]
    assert importing == []


@pytest.mark.parametrize("name", TASK_NAMES)
def test_each_task_is_registered_under_the_path_queued_jobs_store(name):
    task = queueing.task_get(name)
    assert task is getattr(tasks, name)
    assert task.module_path == f"townhall.messaging.tasks.{name}"


def test_an_unknown_task_name_is_a_clear_error():
    with pytest.raises(LookupError, match="No messaging task 'no_such_task'"):
        queueing.task_get("no_such_task")
