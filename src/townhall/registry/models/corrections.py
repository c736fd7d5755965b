"""The correction requests a person makes about their own data.

:mod:`townhall.registry.corrections` creates and handles them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from townhall.registry.models.persons import Person

REMARK_MAX_LENGTH = 2000


class CorrectionRequest(models.Model):
    """A person's report that an item of their data in the register is wrong.

    Routed to citizens' affairs (burgerzaken). Once the Case handling work
    lands, a correction request becomes a case of its own (with a deadline and
    an answer to the person); until then it is handled from this table.
    """

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("being handled")
        HANDLED = "handled", gettext_lazy("handled")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="correction_requests",
        verbose_name=gettext_lazy("person"),
    )
    item_key = models.CharField(gettext_lazy("item"), max_length=60)
    item_label = models.CharField(gettext_lazy("item, as shown"), max_length=100)
    current_value = models.TextField(gettext_lazy("value when reported"), blank=True)
    remark = models.TextField(gettext_lazy("what is wrong"), max_length=REMARK_MAX_LENGTH)
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    department_code = models.SlugField(  # who handles it: citizens' affairs
        gettext_lazy("department"), max_length=50, default="citizens_affairs"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("reported by"),
    )
    created_at = models.DateTimeField(gettext_lazy("reported at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("handled by"),
    )
    handled_at = models.DateTimeField(gettext_lazy("handled at"), null=True, blank=True)
    handling_note = models.TextField(gettext_lazy("note on the handling"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("correction request")
        verbose_name_plural = gettext_lazy("correction requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "department_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item_key"],
                condition=models.Q(status="open"),
                name="one_open_correction_per_item",
            )
        ]

    def __str__(self) -> str:
        # No name: lists show this (the admin's "select" checkbox reads it aloud) without
        # asking why, and a name there would be a look at the person left unlogged.
        return f"#{self.pk} – {self.item_label} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
