"""The historical twins of the register's models (``registry_historicalperson``, ...).

:mod:`townhall.registry.history` says what the history keeps and how to use it;
this module only gives the models their twins, here inside the package so that
the twins exist whenever the models do (and no module outside imports back).
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.db.models.signals import post_delete
from simple_history import register
from simple_history.models import HistoricalRecords

from townhall.registry.models.addresses import Address
from townhall.registry.models.households import Household, HouseholdMembership
from townhall.registry.models.organisations import (
    Organisation,
    OrganisationAddress,
    Representative,
)
from townhall.registry.models.persons import Person
from townhall.registry.models.streets import Street

# "import run 12: KBO file KboOpenData_0142_2026_11_Full.zip" can be longer than 100.
REASON_LENGTH = 300


@dataclass(frozen=True, slots=True)
class HistoryContext:
    """Who made the changes (a user, or None) and why (a short text, or "")."""

    user: object | None = None
    reason: str = ""


NOBODY = HistoryContext()
# Set by townhall.registry.history.history_context.
current: ContextVar[HistoryContext | None] = ContextVar("townhall_history", default=None)


def history_current() -> HistoryContext:
    """The who and why ``history_context`` set (empty outside one)."""
    return current.get() or NOBODY


def _user_of(request, instance=None, **kwargs):
    user = history_current().user
    if user is not None:
        return user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class RegisterHistory(HistoricalRecords):
    """simple-history's records, with the who and why of ``history_context``, and no
    index an import pays for without a read that needs it."""

    def get_change_reason_for_object(self, instance, history_type, using):
        return super().get_change_reason_for_object(instance, history_type, using) or (
            history_current().reason or None
        )

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        # Imports write no user: a partial index (below) leaves their versions out of it.
        fields["history_user"].db_index = False
        return fields

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = [
            models.Index(
                fields=["history_user"],
                condition=models.Q(history_user__isnull=False),
                name=f"hist_{model._meta.model_name[:18]}_user",
            )
        ]
        return options


def _register(model: type[models.Model], *, excluded: tuple[str, ...], unindexed: tuple) -> None:
    register(
        model,
        records_class=RegisterHistory,
        excluded_fields=list(excluded),
        get_user=_user_of,
        history_id_field=models.BigAutoField(primary_key=True),
        history_change_reason_field=models.CharField(max_length=REASON_LENGTH, null=True),
        # Versions are read by the row's id (and by a household, organisation or person
        # for their memberships, addresses and representatives): the copies of the
        # unique fields and of the other foreign keys need no index.
        no_db_index=[
            *(field.name for field in model._meta.fields if field.unique and not field.primary_key),
            *unindexed,
        ],
    )


# The models, the fields their versions leave out (townhall.registry.history says why),
# and the foreign keys no read of the history looks versions up by.
TRACKED = (
    (Person, ("national_number_hash", "national_number_encrypted", "updated_at"), ("domicile",)),
    (Address, ("key",), ("street",)),
    # A renamed or split street: what it was called, and when (its addresses' versions
    # name the street they were on).
    (Street, ("key",), ()),
    (Household, (), ("address",)),
    (HouseholdMembership, (), ()),
    (Organisation, (), ()),
    (OrganisationAddress, (), ("address",)),
    (Representative, (), ()),
)
for _model, _excluded, _unindexed in TRACKED:
    _register(_model, excluded=_excluded, unindexed=_unindexed)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The historical twin of ``model``; None for a model whose history is not kept."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def _erase_person_history(sender, instance: Person, **kwargs) -> None:
    """A person erased takes their versions along, and those of their memberships and
    mandates of organisations (which name them): a version is personal data too.

    Django deletes the memberships and representations first (with a "deleted"
    version each), then the person, so this runs last."""
    for model, column in (
        (Person, "id"),
        (HouseholdMembership, "person_id"),
        (Representative, "person_id"),
    ):
        history_model(model).objects.filter(**{column: instance.pk}).delete()


post_delete.connect(_erase_person_history, sender=Person, dispatch_uid="erase_person_history")
