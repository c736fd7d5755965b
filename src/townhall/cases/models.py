"""Cases (zaken): the work behind every request, run by a BPMN workflow.

A :class:`Case` is opened for every submission of the online counter and for
every correction request; a :class:`Workflow` per product says how it is
handled, in immutable :class:`WorkflowVersion`\\ s of BPMN 2.0 (with DMN
tables). The case row holds, as plain columns, everything an inbox filters,
sorts or shows (status, current task, department, assignee, deadline): lists
never read the engine's state, which is kept on the row only while the case
is open. Its :class:`CaseEvent`\\ s are the append-only timeline.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from townhall.catalog.models import Product
from townhall.eforms.models import Submission
from townhall.municipality.models import Department
from townhall.registry.models import CorrectionRequest, Organisation, Person


class Immutable(Exception):
    """A workflow version or a timeline entry is never changed once saved."""


class Workflow(models.Model):
    """How one kind of case is handled: a product's workflow, or corrections'.

    Its content lives in versions; new cases start on the newest.
    """

    key = models.SlugField(_("key"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    product = models.OneToOneField(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workflow",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class WorkflowVersion(models.Model):
    """One version of a workflow's BPMN model (and its DMN tables), checked on upload.

    Never changed once saved: a changed model is a new version. Cases keep the
    version they run on until an administrator moves them.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    bpmn = models.TextField(_("BPMN model"))
    dmn_tables = models.JSONField(_("DMN tables"), default=list, blank=True)
    process_id = models.CharField(_("process"), max_length=200)
    checksum = models.CharField(max_length=64, editable=False)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("workflow version")
        verbose_name_plural = _("workflow versions")
        ordering = ["workflow", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "number"], name="cases_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow.key} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable("A workflow version never changes; upload a new version.")
        self.checksum = content_checksum(self.bpmn, self.dmn_tables)
        super().save(*args, **kwargs)


def content_checksum(bpmn: str, dmn_tables: list[str]) -> str:
    digest = hashlib.sha256(bpmn.encode())
    for table in dmn_tables:
        digest.update(b"\0" + table.encode())
    return digest.hexdigest()


class Case(models.Model):
    """A case (zaak): one request's handling, from receipt to decision.

    ``version`` is raised by every change, for optimistic locking: a form that
    was read at another version is refused as "changed meanwhile".
    """

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("case status", "Received")
        IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
        WAITING = "waiting", pgettext_lazy("case status", "Waiting for the applicant")
        GRANTED = "granted", pgettext_lazy("case status", "Granted")
        REFUSED = "refused", pgettext_lazy("case status", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("case status", "Withdrawn")
        DONE = "done", pgettext_lazy("case status", "Done")

    CLOSED = (Status.GRANTED, Status.REFUSED, Status.WITHDRAWN, Status.DONE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    workflow_version = models.ForeignKey(
        WorkflowVersion,
        verbose_name=_("workflow version"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    correction_request = models.OneToOneField(
        CorrectionRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    # The applicant: a person, or an organisation (then a representative acts for it).
    applicant_person = models.ForeignKey(
        Person,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who handed it in: the applicant's own account, or someone acting for them.
    handed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    is_open = models.BooleanField(_("open"), default=True)
    # The task the workflow waits for now (a user task's id and name, or "").
    task_id = models.CharField(max_length=200, blank=True)
    task_label = models.CharField(_("current task"), max_length=300, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_on = models.DateField(_("deadline"))
    # Waiting for the applicant pauses the deadline; the days paused are added when it ends.
    paused_since = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    decision = models.CharField(_("decision taken"), max_length=20, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    state = models.TextField(blank=True, editable=False)  # the engine's, while open
    # When the earliest timer of the workflow fires (a reminder, a deadline), while open.
    wakes_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Inboxes: a department's (or a person's) open cases by deadline or by age.
            models.Index(fields=["department", "is_open", "due_on", "id"], name="cases_dept_due"),
            models.Index(
                fields=["department", "is_open", "opened_at", "id"], name="cases_dept_opened"
            ),
            models.Index(fields=["assignee", "is_open", "due_on", "id"], name="cases_assignee_due"),
            models.Index(
                fields=["assignee", "is_open", "opened_at", "id"], name="cases_assignee_opened"
            ),
            # The dashboard, from the indexes alone (an index-only scan: at a million
            # cases a department has tens of thousands open and as many closed in 90
            # days): the open ones per product with their deadlines, and the times of
            # those closed in the last days.
            models.Index(
                fields=["department", "is_open", "product", "due_on", "paused_since"],
                name="cases_dept_open_product",
            ),
            models.Index(
                fields=["department", "closed_at", "product", "opened_at"], name="cases_dept_closed"
            ),
            # Mijn zaken: a person's, an organisation's, an account's cases, newest first.
            models.Index(fields=["applicant_person", "opened_at", "id"], name="cases_person"),
            models.Index(
                fields=["applicant_organisation", "opened_at", "id"], name="cases_organisation"
            ),
            models.Index(fields=["handed_in_by", "opened_at", "id"], name="cases_handed_in_by"),
            # The timer sweep: only cases that wait for a timer.
            models.Index(
                fields=["wakes_at"],
                name="cases_wakes_at",
                condition=models.Q(wakes_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseEvent(models.Model):
    """One line of a case's timeline; never changed or removed.

    ``public`` lines are what the applicant reads on Mijn zaken; internal notes
    and views of personal data are for staff only.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        STATUS = "status", _("status changed")
        TASK = "task", _("task done")
        ASSIGNED = "assigned", _("assigned")
        NOTE = "note", _("internal note")
        MESSAGE = "message", _("message to the applicant")
        REPLY = "reply", _("message from the applicant")
        INFORMATION_ASKED = "information_asked", _("information asked")
        INFORMATION_GIVEN = "information_given", _("information given")
        DOCUMENT = "document", _("document")
        VIEWED = "viewed", _("submitted data viewed")
        MIGRATED = "migrated", _("moved to another workflow version")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at", "id"], name="cases_event_case")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Immutable("The timeline is append-only.")
        super().save(*args, **kwargs)


class InformationRequest(models.Model):
    """A question to the applicant (extra information or a document); the case waits for it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer_before = models.DateField(_("answer before"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Staff took the question back (a step undone): it no longer waits for an answer.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [models.Index(fields=["case", "asked_at"], name="cases_inforeq_case")]

    def __str__(self) -> str:
        return f"{self.case} {self.asked_at:%Y-%m-%d}"


class CaseFile(models.Model):
    """A file of a case: one the applicant sent, kept in the storage under a random name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    path = models.CharField(max_length=500, editable=False)
    from_applicant = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")

    def __str__(self) -> str:
        return self.name
