"""The import runs moved from the registry app to this one without losing a row.

The database is taken back to the registry's last migration before the move,
where the runs are the registry's models, and forward again.
"""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from townhall.importers.models import ImportRejection, ImportRun

BEFORE_THE_MOVE = [("registry", "0005_access_log_searches")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_runs_made_before_the_move_are_read_by_the_importers_app_after_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE_THE_MOVE)
        with pytest.raises(LookupError):
            old.get_model("importers", "ImportRun")
        OldRun = old.get_model("registry", "ImportRun")
        run = OldRun.objects.create(
            source="best",
            file_name="openaddress-bevlg.csv",
            checksum="a" * 64,
            scope="nis:36007",
            status="completed",
            counts={"addresses": {"read": 3, "rejected": 1}},
        )
        old.get_model("registry", "ImportRejection").objects.create(
            run=run, file_name="openaddress-bevlg.csv", line=7, reason="no street name"
        )
        # The permission as it was given before the move: on the registry's content type.
        old_permission = old.get_model("auth", "Permission").objects.get(codename="view_importrun")
        assert old_permission.content_type.app_label == "registry"
    finally:
        migrate(latest)

    moved = ImportRun.objects.get(pk=run.pk)
    assert moved.file_name == "openaddress-bevlg.csv"
    assert moved.rejected == 1
    assert [str(r) for r in moved.rejections.all()] == ["openaddress-bevlg.csv:7: no street name"]
    assert ImportRejection.objects.get().run == moved
    # The same permission row, now on the importers' content type.
    permission = Permission.objects.get(pk=old_permission.pk)
    assert (permission.content_type.app_label, permission.codename) == (
        "importers",
        "view_importrun",
    )
