"""The machinery every importer shares: runs, batches, resume, rejections, progress.

How an import runs (:meth:`Importer.run`):

1. ``check()`` reads the headers (a file of the wrong kind stops here), then the
   importer computes the SHA-256 of its input and names its scope ("all", or the
   municipality's NIS code and postcodes).
2. An unfinished :class:`ImportRun` with the same source, checksum and scope is
   resumed; otherwise a new run starts. A completed run is never resumed: the
   same file imported again is applied again, which changes nothing. Making the
   run active takes the source's lock (:mod:`.locking`): a start while another
   run of the source is active is refused with :class:`~.locking.ImportRunning`.
   A run started in the back office exists already, waiting (``queued``): it
   takes over the position, counts and rejected rows of the unfinished run it
   resumes.
3. ``prepare()`` builds what the steps need in memory (such as the set of
   entities in scope). It is not committed, so it runs again on resume.
4. Each :class:`Step` streams its file(s) and yields events: an item to apply,
   a :class:`Reject` (file, line, reason) or a :class:`Skip` (a counted reason).
   Rows up to the resume position are replayed through the parser, to rebuild
   state such as duplicate detection, and are not applied again.
5. Every ``batch_size`` events form one transaction: ``step.apply(batch)``
   writes the items (and may reject some), the rejections are stored, and the
   run's counts and position move on, and every row of the registers the batch
   created, changed or deleted gets its version in the register's history, with
   the run as its reason ("import run 12: BeST file x.csv") and no user
   (:mod:`townhall.registry.history`). An error anywhere in the batch rolls all
   of it back; the run is marked failed and the next run of the same file goes
   on after the last committed batch. Outside a transaction the batches are
   committed by a second thread while the next one is read (:mod:`.pipeline`).
6. The run ends completed; ``run.rejected`` says how many rows were refused (the
   management commands then exit with a non-zero status).

A new importer subclasses :class:`Importer`, registers itself with
``@register("name")`` (:mod:`.registry`) and returns its steps from ``steps()``;
a step over one CSV file subclasses :class:`CsvStep` and writes ``parse()`` and
``apply()``. ``docs/imports.md`` has the rules operators rely on.
"""

import contextlib
import gc
import hashlib
import threading
from abc import ABC, abstractmethod
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from townhall.importers.locking import run_claim
from townhall.importers.models import ImportRejection, ImportRun
from townhall.importers.pipeline import Committer
from townhall.importers.progress import Progress
from townhall.importers.reading import (
    BadRow,
    CsvReader,
    ImportAbort,
    SourceFile,
)
from townhall.registry.history import history_context
from townhall.registry.logging import mask_national_numbers

DEFAULT_BATCH_SIZE = 5000
PROGRESS_EVERY = 1024  # events between two looks at the clock


@dataclass(slots=True)
class Reject:
    """A row refused, with a reason a person can act on."""

    file_name: str
    line: int
    reason: str


@dataclass(slots=True)
class Skip:
    """A row deliberately left out (out of scope, retired, ...), counted by reason."""

    reason: str


class Rejected(Exception):
    """Raised by a parser: the row is refused."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Skipped(Exception):
    """Raised by a parser: the row is left out on purpose."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Batch:
    """The events of one transaction, and what applying them did."""

    __slots__ = ("counts", "events", "items", "rejections", "skipped")

    def __init__(self):
        self.items: list[Any] = []
        self.rejections: list[Reject] = []
        self.skipped: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()  # created, updated, unchanged, ...
        self.events = 0

    def add(self, event: Any) -> None:
        kind = type(event)
        if kind is Reject:
            self.rejections.append(event)
        elif kind is Skip:
            self.skipped[event.reason] += 1
        else:
            self.items.append(event)
        self.events += 1

    def reject(self, file_name: str, line: int, reason: str) -> None:
        self.rejections.append(Reject(file_name, line, reason))

    def skip(self, reason: str, number: int = 1) -> None:
        if number:
            self.skipped[reason] += number

    def count(self, outcome: str, number: int = 1) -> None:
        if number:
            self.counts[outcome] += number


class Step(ABC):
    """One pass of an import, committed batch by batch."""

    name: ClassVar[str]

    @abstractmethod
    def events(self, start: dict[str, int]) -> Iterator[Any]:
        """Items, :class:`Reject` and :class:`Skip` events, after the ``start`` position.

        A list of events lands in one batch as a whole: a step whose position
        spans several files yields one list per unit of work.
        """

    @abstractmethod
    def position(self) -> dict[str, int]:
        """The last line of each file whose events have all been yielded."""

    @abstractmethod
    def apply(self, batch: Batch) -> None:
        """Write ``batch.items``; record outcomes and late rejections on the batch."""

    def rows_read(self) -> int:
        """Rows read after the start position (for the counts)."""
        return 0

    def progress(self) -> tuple[int, int]:
        """Bytes read and bytes in total, for the progress bar."""
        return 0, 0

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release open files."""


class CsvStep(Step):
    """A step over one CSV file: ``parse()`` turns a row into an item, or raises
    :class:`Rejected` / :class:`Skipped`."""

    kind: ClassVar[str]  # "BeST address file", used in the header error
    required: ClassVar[Sequence[str]]
    one_of: ClassVar[Sequence[Sequence[Sequence[str]]]] = ()
    expected_header: ClassVar[str] = ""
    # True: parse() gets each row's values as the list in the file's order, and finds
    # its columns once, in header_read(), instead of a dict by column name per row.
    by_position: ClassVar[bool] = False

    def __init__(self, source: SourceFile):
        self.source = source
        self.reader: CsvReader | None = None
        self._line = 0
        self._rows = 0

    @abstractmethod
    def parse(self, values: dict[str, str], line: int) -> Any:
        """The item for one row. Called again on resume for rows already applied."""

    def header_read(self, header: list[str]) -> None:
        """Called with the file's column names before its first row is parsed."""

    def open(self) -> CsvReader:
        return self.reader_for(self.source)

    @classmethod
    def reader_for(cls, source: SourceFile) -> CsvReader:
        """A reader of ``source``; raises :class:`ImportFileError` when its header is wrong."""
        return CsvReader(
            source,
            kind=cls.kind,
            required=cls.required,
            one_of=cls.one_of,
            expected_header=cls.expected_header,
            mapped=not cls.by_position,
        )

    def events(self, start: dict[str, int]) -> Iterator[Any]:
        name = self.source.name
        resume_at = start.get(name, 0)
        self._line = resume_at
        self.reader = self.open()
        self.header_read(self.reader.header)
        for row in self.reader:
            line = row.line
            if line <= resume_at:
                if type(row) is not BadRow:
                    with contextlib.suppress(Rejected, Skipped):
                        self.parse(row.values, line)
                continue
            self._line = line
            self._rows += 1
            if type(row) is BadRow:
                yield Reject(name, line, row.reason)
                continue
            try:
                yield self.parse(row.values, line)
            except Rejected as rejected:
                yield Reject(name, line, rejected.reason)
            except Skipped as skipped:
                yield Skip(skipped.reason)

    def position(self) -> dict[str, int]:
        return {self.source.name: self._line}

    def rows_read(self) -> int:
        return self._rows

    def progress(self) -> tuple[int, int]:
        return (self.reader.bytes_read if self.reader else 0), self.source.size

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


class SeenNumbers:
    """Which identifiers a file has shown already, for "duplicate" rejections.

    One bit per possible number (12.5 MB for identifiers below 100 million), so
    memory does not grow with the file; the lines of the most recent numbers are
    kept to name the earlier line in the message.
    """

    BITMAP_LIMIT = 1 << 28
    RECENT = 50_000

    def __init__(self):
        self._bits = bytearray()
        self._large: set[int] = set()
        # An OrderedDict forgets its oldest entry in constant time; a dict, after many
        # deletions, scans its leftover slots on every ``next(iter(...))``.
        self._recent: OrderedDict[int, int] = OrderedDict()

    def add(self, number: int, line: int) -> int | None:
        """Remember ``number``; return None when new, else the earlier line (0 if forgotten)."""
        if number >= self.BITMAP_LIMIT or number < 0:
            seen = number in self._large
            self._large.add(number)
        else:
            index, bit = number >> 3, 1 << (number & 7)
            if index >= len(self._bits):
                self._bits.extend(bytes(max(index + 1 - len(self._bits), len(self._bits))))
            seen = bool(self._bits[index] & bit)
            self._bits[index] |= bit
        if seen:
            return self._recent.get(number, 0)
        self._recent[number] = line
        if len(self._recent) > self.RECENT:
            self._recent.popitem(last=False)
        return None


def file_checksum(*paths: Path) -> str:
    """SHA-256 over the given files, read in chunks (constant memory)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


class Importer(ABC):
    """An import of one source; subclasses give the checksum, scope and steps."""

    source: ClassVar[str]  # set by @register
    label: ClassVar[str] = ""  # the source as people name it ("BeST"); the name by default

    def __init__(
        self,
        path: Path | str,
        *,
        everything: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
        notify: Callable[[str], None] | None = None,
        pipeline: bool = True,
        queued: ImportRun | None = None,
    ):
        self.path = Path(path)
        self.queued = queued  # the back office's waiting run this import carries out
        self.everything = everything
        self.batch_size = batch_size
        self.pipeline = pipeline  # commit in a second thread (see pipeline.py)
        self.progress = progress or Progress(enabled=False)
        self.notify = notify or (lambda message: None)
        if not self.path.exists():
            raise ImportAbort(f"{self.path} does not exist.")

    def checksum(self) -> str:
        return file_checksum(self.path)

    @abstractmethod
    def scope(self) -> str:
        """A short text that tells what this import covers; part of the resume key."""

    def check(self) -> None:  # noqa: B027 - optional hook
        """Refuse input of the wrong kind before any run is recorded (read the headers)."""

    def prepare(self) -> None:  # noqa: B027 - optional hook
        """Build in-memory state the steps need (runs again on resume)."""

    @abstractmethod
    def steps(self) -> list[Step]:
        """The steps, in order."""

    def run(self) -> ImportRun:
        with _gc_frozen():
            return self._run()

    def _run(self) -> ImportRun:
        self.check()
        run = self._find_or_start(self.checksum(), self.scope())
        try:
            self.prepare()
            steps = self.steps()
            names = [step.name for step in steps]
            run.steps = names
            ImportRun.objects.filter(pk=run.pk).update(steps=names, updated_at=timezone.now())
            first = names.index(run.step) if run.step in names else 0
            for step in steps[first:]:
                start = run.position if step.name == run.step else {}
                self._run_step(run, step, start)
            run.status = ImportRun.Status.COMPLETED
            run.finished_at = timezone.now()
            run.step, run.position, run.done = "", {}, run.total
            run.save(
                update_fields=["status", "finished_at", "step", "position", "done", "updated_at"]
            )
        except BaseException as error:
            # The failed batch is rolled back; its counts and position were never
            # assigned to ``run`` (see _commit), so only the status is written.
            run.status = ImportRun.Status.FAILED
            # An ImportAbort's message is written for people; anything else is a fault.
            text = (
                str(error) if isinstance(error, ImportAbort) else f"{type(error).__name__}: {error}"
            )
            run.error = text[:2000]
            ImportRun.objects.filter(pk=run.pk).update(
                status=run.status, error=run.error, updated_at=timezone.now()
            )
            raise
        finally:
            self.progress.finish()
        return run

    def _find_or_start(self, checksum: str, scope: str) -> ImportRun:
        return run_claim(source=self.source, claim=lambda: self._claim(checksum, scope))

    def _claim(self, checksum: str, scope: str) -> ImportRun:
        # Runs still "running" here are alive: the dead ones were just marked failed.
        runs = ImportRun.objects.filter(source=self.source, checksum=checksum, scope=scope)
        if self.queued is not None:
            runs = runs.exclude(pk=self.queued.pk)
        unfinished = runs.filter(status=ImportRun.Status.FAILED).order_by("-pk").first()
        if unfinished is not None:
            where = ", ".join(
                f"line {line:,} of {name}" for name, line in unfinished.position.items()
            )
            self.notify(
                f"Resuming import run #{unfinished.pk} of this file"
                + (f" after {where} (step {unfinished.step})." if where else ".")
            )
        elif runs.exists():
            self.notify("This file was imported completely before; importing it again.")
        if self.queued is not None:
            return self._take_queued(checksum, scope, unfinished)
        if unfinished is not None:
            unfinished.status, unfinished.error = ImportRun.Status.RUNNING, ""
            unfinished.save(update_fields=["status", "error", "updated_at"])
            return unfinished
        return ImportRun.objects.create(
            source=self.source, file_name=self.path.name[:255], checksum=checksum, scope=scope
        )

    def _take_queued(self, checksum: str, scope: str, unfinished: ImportRun | None) -> ImportRun:
        """The back office's waiting run starts, carrying on ``unfinished`` if any."""
        run = ImportRun.objects.select_for_update().get(pk=self.queued.pk)
        if run.status != ImportRun.Status.QUEUED:
            raise ImportAbort(f"Import run #{run.pk} is no longer waiting to start.")
        fields = ["checksum", "scope", "status", "error", "updated_at"]
        if unfinished is not None:
            run.step, run.position, run.counts = (
                unfinished.step,
                unfinished.position,
                unfinished.counts,
            )
            fields += ["step", "position", "counts"]
            ImportRejection.objects.filter(run=unfinished).update(run=run)
            unfinished.error = f"Continued in import run #{run.pk}."
            unfinished.save(update_fields=["error", "updated_at"])
        run.checksum, run.scope = checksum, scope
        run.status, run.error = ImportRun.Status.RUNNING, ""
        run.save(update_fields=fields)
        self.queued = run
        return run

    def _run_step(self, run: ImportRun, step: Step, start: dict[str, int]) -> None:
        self.progress.start(step.name)
        # A heartbeat: the step may read a while before its first commit.
        ImportRun.objects.filter(pk=run.pk).update(updated_at=timezone.now())
        self._rows_committed = 0
        # Outside a transaction a second connection can commit while this one reads on.
        committer = Committer(self._commit) if self.pipeline and not _in_transaction() else None
        batch = Batch()
        try:
            for event in step.events(start):
                if type(event) is list:  # events that must share a transaction
                    for each in event:
                        batch.add(each)
                else:
                    batch.add(event)
                if batch.events >= self.batch_size:
                    self._hand_over(committer, run, step, batch)
                    batch = Batch()
                if not batch.events % PROGRESS_EVERY:
                    self._draw(run, step, batch)
            self._hand_over(committer, run, step, batch)
            if committer is not None:
                committer.finish()
            self._draw(run, step, batch, force=True)
        except BaseException:
            if committer is not None:
                committer.stop()  # let the batch in flight end; this error is the one raised
            raise
        finally:
            step.close()

    def _hand_over(self, committer, run: ImportRun, step: Step, batch: Batch) -> None:
        # Position and rows are taken now: the step reads on while the batch commits.
        job = (run, step, batch, step.position(), step.rows_read(), step.progress())
        if committer is None:
            self._commit(*job)
        else:
            committer.submit(*job)

    def _commit(
        self,
        run: ImportRun,
        step: Step,
        batch: Batch,
        position: dict[str, int],
        rows: int,
        progress: tuple[int, int] = (0, 0),
    ) -> None:
        # The committer thread runs this too: the history's context is set here, per batch.
        with history_context(reason=self.history_reason(run)), transaction.atomic():
            if batch.items:
                step.apply(batch)
            counts = _merged_counts(run.counts, step.name, batch, rows - self._rows_committed)
            ImportRejection.objects.bulk_create(
                ImportRejection(
                    run=run,
                    file_name=rejection.file_name,
                    line=rejection.line,
                    reason=mask_national_numbers(rejection.reason),
                )
                for rejection in batch.rejections
            )
            # updated_at is the run's heartbeat (see locking.py); done and total the
            # progress bar of the run's page.
            done, total = progress
            ImportRun.objects.filter(pk=run.pk).update(
                step=step.name,
                position=position,
                counts=counts,
                done=done,
                total=total,
                updated_at=timezone.now(),
            )
        # Only now, with the batch committed, does the run in memory move on.
        run.step, run.position, run.counts = step.name, position, counts
        run.done, run.total = done, total
        self._rows_committed = rows
        reset_queries()  # with DEBUG on, Django would keep every batch's SQL in memory

    def history_reason(self, run: ImportRun) -> str:
        """The why of the register's versions this run writes."""
        return f"import run {run.pk}: {self.label or self.source} file {run.file_name}"

    def _draw(self, run: ImportRun, step: Step, batch: Batch, force: bool = False) -> None:
        done, total = step.progress()
        self.progress.update(
            done=done,
            total=total,
            rows=step.rows_read(),
            rejected=run.rejected + len(batch.rejections),
            force=force,
        )


_frozen = 0
_frozen_lock = threading.Lock()


@contextlib.contextmanager
def _gc_frozen():
    """The objects that exist before the import (Django's, the apps', the modules') are left
    out of the garbage collector's full passes until it ends.

    An import allocates millions of short-lived tuples, which set off a full pass every
    few batches; each pass walked the 190,000 objects of the loaded project (0.1 to 0.2 s,
    holding the GIL the committer thread waits for): a fifth of the BeST import's CPU.
    ``gc.freeze`` moves them to a generation the collector skips, ``gc.unfreeze`` moves
    them back when the last import of the process ends (nothing is lost: garbage among
    them is collected then)."""
    global _frozen
    with _frozen_lock:
        if not _frozen:
            gc.freeze()
        _frozen += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen -= 1
            if not _frozen:
                gc.unfreeze()


def _in_transaction() -> bool:
    return connection.in_atomic_block


def _merged_counts(counts: dict, step: str, batch: Batch, rows: int) -> dict:
    merged = {name: dict(values) for name, values in counts.items()}
    current = merged.setdefault(step, {})
    current["read"] = current.get("read", 0) + rows
    for outcome, number in batch.counts.items():
        current[outcome] = current.get(outcome, 0) + number
    if batch.rejections:
        current["rejected"] = current.get("rejected", 0) + len(batch.rejections)
    if batch.skipped:
        skipped = current.setdefault("skipped", {})
        for reason, number in batch.skipped.items():
            skipped[reason] = skipped.get(reason, 0) + number
    return merged
