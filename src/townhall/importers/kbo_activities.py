"""Writing organisations' activities (NACE-BEL) from the KBO: the full file and updates.

An organisation's activities are replaced by those the file gives, when they differ:
the same file imported again changes nothing.
"""

from collections import defaultdict

from townhall.importers.base import Batch
from townhall.importers.writing import delete_matching, insert_rows, rows_matching
from townhall.registry.models import OrganisationActivity

COLUMNS = ("activity_group", "nace_version", "nace_code", "classification")


def activities_replace(batch: Batch, wanted: dict[int, tuple], new: set[int]) -> None:
    """Give each organisation (by primary key) the activities of ``wanted``.

    Organisations in ``new`` were created in this batch and have none yet.
    """
    current: dict[int, set] = defaultdict(set)
    for organisation, *activity in rows_matching(
        OrganisationActivity,
        ["organisation_id", *COLUMNS],
        {"organisation_id": [pk for pk in wanted if pk not in new]},
    ):
        current[organisation].add(tuple(activity))
    changed = [pk for pk, activities in wanted.items() if set(activities) != current.get(pk, set())]
    delete_matching(
        OrganisationActivity, "organisation_id", [pk for pk in changed if pk in current]
    )
    insert_rows(
        OrganisationActivity,
        ("organisation_id", *COLUMNS),
        [(pk, *activity) for pk in changed for activity in wanted[pk]],
    )
    batch.count("activities changed", len(changed))
