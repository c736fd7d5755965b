"""The retention of issued documents' files: kept until ``retain_until``, then removed.

1. :func:`documents_purge` takes the documents whose ``retain_until`` has passed
   and whose file is still kept, in batches, each in its own transaction: the row
   loses its ``path`` and gets ``purged_at``; the file is deleted from the storage
   once that commits (a rolled-back batch deletes nothing).
2. The row stays: number, kind, dates, the SHA-256 of the PDF and the digest of
   the code. So the verification page still confirms the document by its code or
   by a copy of the file, and says that the municipality no longer keeps the file.
3. What it removed is logged by number of documents per kind, never a name or a
   number of a person. Running it again removes nothing more; a file that is
   already gone from the storage is fine.

The ``purge_documents`` command runs it (daily, or ``--every N`` seconds).
"""

import logging
from collections import Counter

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from townhall.documents.models import IssuedDocument

logger = logging.getLogger(__name__)

BATCH = 500


def _file_remove(path: str) -> None:
    try:
        default_storage.delete(path)  # a file already gone is no error for the storage
    except OSError:
        # Logged by path (a random name, no personal data); the row says it is gone,
        # so nothing serves it any more, and the next back-up cleaning takes it.
        logger.warning("The file %s of a purged document could not be deleted", path, exc_info=True)


def _batch_purge(*, today, now) -> Counter:
    with transaction.atomic(durable=True):
        rows = list(
            IssuedDocument.objects.select_for_update(skip_locked=True)
            .filter(retain_until__lt=today, purged_at__isnull=True)
            .exclude(path="")
            .order_by("retain_until", "pk")
            .values_list("pk", "kind", "path")[:BATCH]
        )
        if not rows:
            return Counter()
        IssuedDocument.objects.filter(pk__in=[pk for pk, _kind, _path in rows]).update(
            path="", purged_at=now
        )
        for _pk, _kind, path in rows:
            transaction.on_commit(lambda path=path: _file_remove(path))
    return Counter(kind for _pk, kind, _path in rows)


def documents_purge(*, today=None) -> int:
    """Remove the files of the documents kept past their ``retain_until``; how many.

    Logs how many files of each kind it removed. Idempotent.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    removed = Counter()
    while True:
        batch = _batch_purge(today=today, now=now)
        if not batch:
            break
        removed += batch
    total = sum(removed.values())
    if total:
        logger.info(
            "Removed the files of %d documents kept until before %s: %s",
            total,
            today.isoformat(),
            ", ".join(f"{count} {kind}" for kind, count in sorted(removed.items())),
        )
    return total
