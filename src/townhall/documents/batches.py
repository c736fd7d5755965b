"""Print batches: many documents of one kind, each issued and sealed, printed from one PDF.

A campaign (an eID card reader for every household, the certificates of a
course) needs hundreds or thousands of documents on paper. Each one is a real
issued document, as :func:`~townhall.documents.services.document_issue` makes
it: its own number, verification code and QR code, sealed, kept, verifiable and
revocable one by one. The batch joins them into one PDF for the printer.

1. :func:`document_batch_request` checks the kind (one that needs only a holder
   in the register) and the holders, keeps them in print order and hands the
   batch to the ``bulk`` task worker (:func:`document_batch_task`) once the request
   commits.
2. :func:`document_batch_render` (the task) takes the batch, then works through
   its holders in chunks of :data:`CHUNK`. This process reads what each
   document states (the kind's facts, from the registers), takes a block of
   numbers in a short transaction of its own (so a resident asking for a
   certificate meanwhile never waits on the counter's lock) and writes the HTML;
   the renderer's worker processes (:func:`townhall.pdf.pdf_pool`, one per core)
   lay the chunks out as PDF, several chunks in flight at once; this process
   seals each document (the seal's key, possibly on a hardware token, stays in
   one process) and commits the chunk's rows, access-log rows and progress in
   one durable transaction, after which the sealed files are written.
3. A holder whose data cannot be certified (moved away, a change pending) gets
   nothing; the batch counts the holders per reason, and the rest go on.
4. When all holders are handled, the sealed files are joined in print order
   into the batch's PDF: the batch is ``done``.

Progress: ``done`` (holders handled) is committed with each chunk, so the staff
page follows it. A worker that died leaves the batch ``running`` with a
heartbeat (``updated_at``) that stops; after :data:`STALE_AFTER` the next run
takes it over and resumes at the first holder not handled: a chunk is committed
whole or not at all, so no holder gets two documents. A batch stopped by an error
(the seal unavailable, say) is ``failed`` with the reason and is resumed the same
way when staff try again. Numbers taken by a chunk that did not commit stay unused:
the register of what was issued is the documents' rows, not an unbroken series.
"""

import datetime
import hashlib
import io
import logging
import os
import tempfile
import uuid
from collections import Counter, deque
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task
from pypdf import PdfWriter

from townhall.documents.codes import code_digest, code_new
from townhall.documents.kinds import HOLDER, DocumentKind, NotCertifiable
from townhall.documents.kinds import register as kinds
from townhall.documents.models import DocumentBatch, IssuedDocument
from townhall.documents.seal import SealUnavailable, seal_pdf
from townhall.documents.services import (
    DocumentRefused,
    _file_write,
    _issuer,
    document_html,
    kind_get,
    number_prefix,
    pdf_of,
)
from townhall.eforms.submissions import reference_block
from townhall.languages import interface_language
from townhall.municipality.selectors import municipality_get_active
from townhall.pdf import pdf_pool
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.services import access_log_record_many

logger = logging.getLogger(__name__)

CHUNK = 25  # documents per worker job and per transaction
MAX_HOLDERS = 20_000  # the most one batch takes: a municipality's households, twice over
STALE_AFTER = datetime.timedelta(minutes=10)


class BatchRefused(Exception):
    """The batch was not made or not run; the message says why, in words for staff."""


def bulk_kinds() -> list[DocumentKind]:
    """The kinds a batch can issue: those that need only a holder in the register."""
    return [kind for kind in kinds if tuple(kind.needs) == (HOLDER,)]


def document_batch_request(
    *, kind: str, holders, title: str, actor, language: str = ""
) -> DocumentBatch:
    """A batch of ``kind`` for ``holders`` (Person ids, in print order), queued for the
    worker once the caller's transaction commits. ``language`` "" gives each holder
    their own language from the register."""
    try:
        document_kind = kind_get(kind)
    except DocumentRefused as error:
        raise BatchRefused(str(error)) from error
    if document_kind not in bulk_kinds():
        raise BatchRefused(
            _("%(kind)s is issued for a case only, never in a batch.")
            % {"kind": document_kind.label}
        )
    ordered = list(dict.fromkeys(int(pk) for pk in holders))
    if not ordered:
        raise BatchRefused(_("Nobody is selected: a batch needs at least one holder."))
    if len(ordered) > MAX_HOLDERS:
        raise BatchRefused(
            _("A batch takes at most %(max)s holders; this selection has %(count)s.")
            % {"max": f"{MAX_HOLDERS:,}".replace(",", "."), "count": len(ordered)}
        )
    with transaction.atomic():
        batch = DocumentBatch.objects.create(
            kind=document_kind.code,
            title=title.strip()[:200] or str(document_kind.label),
            language=interface_language(language) if language else "",
            holders=ordered,
            total=len(ordered),
            requested_by=actor,
            department_id=getattr(actor, "department_id", None),
        )
        transaction.on_commit(partial(_enqueue, batch.pk))
    return batch


def _enqueue(batch_pk: int) -> None:
    document_batch_task.enqueue(batch_pk)


@task(queue_name="bulk")
def document_batch_task(batch_id: int) -> None:
    """The ``bulk`` worker's task, beside the broadcasts, never on the workers that
    deliver personal messages."""
    document_batch_render(batch_id)


def document_batch_retry(*, batch: DocumentBatch) -> DocumentBatch:
    """Queue a failed batch again: it resumes at the first holder not handled."""
    updated = DocumentBatch.objects.filter(pk=batch.pk, state=DocumentBatch.State.FAILED).update(
        state=DocumentBatch.State.QUEUED, error=""
    )
    if not updated:
        raise BatchRefused(_("Only a batch that stopped by an error can be tried again."))
    transaction.on_commit(partial(_enqueue, batch.pk))
    batch.refresh_from_db()
    return batch


def document_batch_render(batch_pk: int, *, processes: int | None = None) -> DocumentBatch | None:
    """Issue the batch's documents and join them to print; None when the batch is not
    this run's to take (done, or running with a live heartbeat)."""
    batch = _claim(batch_pk)
    if batch is None:
        return None
    try:
        _issue_all(batch, processes or settings.TOWNHALL_DOCUMENTS["BATCH_PROCESSES"] or None)
        _print_file(batch)
    except (BatchRefused, DocumentRefused) as refused:
        _failed(batch, str(refused))
        return batch
    except Exception:
        logger.exception("Print batch %s stopped", batch.pk)
        _failed(batch, _("An unexpected error stopped the batch. Try again later."))
        raise
    return batch


def _claim(batch_pk: int) -> DocumentBatch | None:
    with transaction.atomic():
        batch = DocumentBatch.objects.select_for_update().filter(pk=batch_pk).first()
        if batch is None:
            return None
        stale = timezone.now() - STALE_AFTER
        takeable = batch.state == DocumentBatch.State.QUEUED or (
            batch.state == DocumentBatch.State.RUNNING and batch.updated_at < stale
        )
        if not takeable:
            return None
        batch.state = DocumentBatch.State.RUNNING
        batch.save(update_fields=["state", "updated_at"])
    return batch


def _failed(batch: DocumentBatch, reason: str) -> None:
    logger.warning("Print batch %s failed: %s", batch.pk, reason)
    DocumentBatch.objects.filter(pk=batch.pk).update(
        state=DocumentBatch.State.FAILED, error=reason, updated_at=timezone.now()
    )
    batch.state, batch.error = DocumentBatch.State.FAILED, reason


@dataclass
class _Prepared:
    """One document of a chunk, ready to render: what it states and how it is numbered."""

    holder: Person
    holder_name: str
    language: str
    number: str
    code: str
    issued_at: datetime.datetime
    html: str


@dataclass
class _Chunk:
    holders: int  # how many holders the chunk handles (issued or not)
    documents: list[_Prepared]
    skipped: Counter
    rendered: object  # the pool's AsyncResult, or the rendered list itself


def _issue_all(batch: DocumentBatch, processes: int | None) -> None:
    municipality = municipality_get_active()
    if municipality is None:
        raise BatchRefused(_("Set up the municipality first: it issues the documents."))
    kind = kind_get(batch.kind)
    remaining = batch.holders[batch.done :]
    chunks = [remaining[start : start + CHUNK] for start in range(0, len(remaining), CHUNK)]
    processes = max(1, min(processes or os.cpu_count() or 1, len(chunks) or 1))
    if processes == 1:
        for ids in chunks:
            chunk = _prepare(batch, kind, municipality, ids)
            chunk.rendered = _render_many([d.html for d in chunk.documents])
            _commit(batch, kind, chunk)
        return
    in_flight: deque[_Chunk] = deque()
    with pdf_pool(processes) as pool:
        for ids in chunks:
            chunk = _prepare(batch, kind, municipality, ids)
            chunk.rendered = pool.apply_async(_render_many, ([d.html for d in chunk.documents],))
            in_flight.append(chunk)
            # Two chunks per worker in flight: the workers never wait on this process.
            while len(in_flight) >= 2 * processes:
                _commit(batch, kind, in_flight.popleft())
        while in_flight:
            _commit(batch, kind, in_flight.popleft())
        pool.close()
        pool.join()


def _prepare(batch, kind, municipality, ids) -> _Chunk:
    """Read what each holder's document states and number those that can be certified."""
    persons = Person.objects.select_related("domicile").in_bulk(ids)
    certifiable, skipped = [], Counter()
    for pk in ids:
        person = persons.get(pk)
        if person is None:
            skipped[gettext_noop("no longer in the register")] += 1
            continue
        language = batch.language or interface_language(person.language)
        try:
            with translation.override(language):
                facts = kind.facts(holder=person, case=None, data={}, municipality=municipality)
        except NotCertifiable:
            skipped[_skip_reason(kind, person, municipality)] += 1
            continue
        certifiable.append((person, language, facts))
    issued_at = timezone.now()
    with transaction.atomic():
        numbers = reference_block(
            prefix=number_prefix(municipality), year=issued_at.year, count=len(certifiable)
        )
    documents = []
    for (person, language, facts), number in zip(certifiable, numbers, strict=True):
        code = code_new()
        html = document_html(
            kind=kind,
            facts=facts,
            number=number,
            code=code,
            issued_at=issued_at,
            municipality=municipality,
            language=language,
            in_batch=True,
        )
        documents.append(
            _Prepared(person, facts.holder_name[:200], language, number, code, issued_at, html)
        )
    return _Chunk(holders=len(ids), documents=documents, skipped=skipped, rendered=None)


def _skip_reason(kind, person, municipality) -> str:
    """Why ``person`` gets nothing, kept as the kind's message in English (its msgid): the
    staff page shows it in the reader's language, whoever's language the batch was in."""
    try:
        with translation.override("en"):
            kind.facts(holder=person, case=None, data={}, municipality=municipality)
    except NotCertifiable as refused:
        return str(refused)
    return gettext_noop("The data changed while the batch was made.")


def _render_many(htmls: list[str]) -> list[tuple[bytes, int]]:
    """In a worker: each document's HTML as PDF bytes (before the seal) and its pages."""
    return [pdf_of(html) for html in htmls]


def _commit(batch: DocumentBatch, kind: DocumentKind, chunk: _Chunk) -> None:
    """Seal the chunk's documents and commit them with the batch's progress, in one
    transaction; the files are written after it commits."""
    rendered = chunk.rendered if isinstance(chunk.rendered, list) else chunk.rendered.get()
    municipality = municipality_get_active()
    rows, files = [], []
    for prepared, (pdf, pages) in zip(chunk.documents, rendered, strict=True):
        try:
            sealed = seal_pdf(pdf)
        except SealUnavailable as error:
            logger.error("Print batch %s stopped: the seal is unavailable (%s)", batch.pk, error)
            raise BatchRefused(
                _("The documents cannot be sealed now. Try the batch again later.")
            ) from error
        path = f"documents/{prepared.issued_at:%Y}/{uuid.uuid4().hex}.pdf"
        rows.append(
            IssuedDocument(
                number=prepared.number,
                kind=kind.code,
                language=prepared.language,
                holder=prepared.holder,
                holder_name=prepared.holder_name,
                issued_at=prepared.issued_at,
                issued_by=batch.requested_by,
                issuer=_issuer(municipality, prepared.language),
                code_digest=code_digest(prepared.code),
                sha256=hashlib.sha256(sealed).hexdigest(),
                size=len(sealed),
                pages=pages,
                path=path,
                retain_until=kind.retain_until(timezone.localdate(prepared.issued_at)),
                batch=batch,
            )
        )
        files.append((path, sealed))
    # Durable: when the block ends the chunk is committed, so the files written after it
    # always have their rows (the reason document_issue writes its file on commit).
    with transaction.atomic(durable=True):
        created = IssuedDocument.objects.bulk_create(rows)
        _access_logged(batch, kind, created)
        for skipped, count in chunk.skipped.items():
            batch.skipped[skipped] = batch.skipped.get(skipped, 0) + count
        DocumentBatch.objects.filter(pk=batch.pk).update(
            done=F("done") + chunk.holders,
            issued=F("issued") + len(created),
            skipped=batch.skipped,
            updated_at=timezone.now(),
        )
    for document, (path, sealed) in zip(created, files, strict=True):
        _file_write(path, sealed, document.pk)
    batch.done += chunk.holders
    batch.issued += len(created)


def _access_logged(batch: DocumentBatch, kind: DocumentKind, documents) -> None:
    """A batch a staff member asked for reads each holder's register data: logged."""
    actor = batch.requested_by
    if actor is None or not actor.is_staff or not documents:
        return
    access_log_record_many(
        actor=actor,
        persons=[document.holder for document in documents],
        action=AccessLogEntry.Action.VIEW,
        purpose=_("issuing %(kind)s in print batch %(title)s")
        % {"kind": kind.label, "title": batch.title},
    )


def _print_file(batch: DocumentBatch) -> None:
    """Join the batch's sealed documents, in print order, into the PDF to print."""
    documents = IssuedDocument.objects.filter(batch=batch).order_by("pk").only("path", "number")
    writer = PdfWriter()
    for document in documents.iterator(chunk_size=500):
        try:
            with default_storage.open(document.path, "rb") as file:
                writer.append(io.BytesIO(file.read()))
        except OSError as error:
            raise BatchRefused(
                _("The file of document %(number)s is missing, so the batch cannot be printed.")
                % {"number": document.number}
            ) from error
    pages = len(writer.pages)
    with tempfile.TemporaryDirectory(prefix="townhall-batch-") as workdir:
        path = Path(workdir) / "batch.pdf"
        if pages:
            writer.write(path)
            with path.open("rb") as pdf:
                batch.pdf.save(f"batch-{batch.uuid}.pdf", File(pdf), save=False)
    batch.pages = pages
    batch.state = DocumentBatch.State.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["pdf", "pages", "state", "finished_at", "updated_at"])
