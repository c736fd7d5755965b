"""The register's history: every version of a person, household, address or organisation.

1. :func:`simple_history.register` gives each model of
   :data:`townhall.registry.models.history.TRACKED` a historical twin
   (``registry_historicalperson``, ...): one row per version, with when
   (``history_date``), how (``history_type``: ``+`` created, ``~`` changed,
   ``-`` deleted), who (``history_user``: the staff member or resident, or
   nobody for an import) and why (``history_change_reason``: "import run 12:
   BeST file x.csv", "correction case C-2026-0001", "demo seed").
2. A save or delete through the ORM writes its row through simple-history's
   signals; the importers' bulk writes (which send no signals) write theirs in
   bulk in the same statement or transaction (``importers.writing``).
3. :func:`history_context` names the who and the why for a block of code; the
   services, the importers (per run) and the demo seed use it. A request's
   signed-in user is the default who (``simple_history``'s middleware).
4. Not copied: a person's keyed hash and encrypted national register number
   (a historical row must not hold a second copy of the number; the masked
   fingerprint, which holds no digit of it, is kept, so a change of number shows);
   ``updated_at`` (``history_date`` says when); an address's ``key``, which is
   its parts folded (and would put a unique key's index on every version).
5. A version is personal data like the row it copies: staff read it only on the
   person's history page (citizens' affairs, ``registry.view_historicalperson``),
   which writes the access log; the versions of a person, and of their
   memberships and mandates, go when the person is erased.

``registry.selectors.register_as_of`` answers "what did the register say on 1 March".
"""

import contextlib
import re

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from townhall.registry.models.history import (
    REASON_LENGTH,
    HistoryContext,
    current,
    history_current,
    history_model,
)

__all__ = [
    "DEMO_SEED",
    "HistoryContext",
    "bulk_create_with_history",
    "bulk_update_with_history",
    "history_columns",
    "history_context",
    "history_correction_reason",
    "history_current",
    "history_model",
    "history_reason_text",
]

DEMO_SEED = gettext_noop("demo seed")
# The whys this module writes, in English as they are kept; read back by history_reason_text.
IMPORT_REASON = re.compile(r"import run (?P<number>\d+): (?P<source>.+) file (?P<file>.+)")
CORRECTION_REASON = re.compile(r"correction case (?P<reference>.+)")


@contextlib.contextmanager
def history_context(*, reason: str = "", user=None):
    """The who and why of the register's changes made inside the block.

    An outer block wins: a correction case's reason stays when the service it
    calls names a more general one. ``user`` is the staff member or resident
    who made the change (None for an import or the demo seed).
    """
    outer = history_current()
    token = current.set(
        HistoryContext(
            user=outer.user if outer.user is not None else user,
            reason=outer.reason or (reason or "")[:REASON_LENGTH],
        )
    )
    try:
        yield
    finally:
        current.reset(token)


def history_reason_text(reason: str) -> str:
    """A kept why in the reader's language: the import runs' and correction cases' own
    phrases, and any message id (the demo seed, "via My data"); other text as it is."""
    if not reason:
        return ""
    if found := IMPORT_REASON.fullmatch(reason):
        return gettext("import run %(number)s: %(source)s file %(file)s") % {
            "number": found["number"],
            "source": gettext(found["source"]),
            "file": found["file"],
        }
    if found := CORRECTION_REASON.fullmatch(reason):
        return gettext("correction case %(reference)s") % {"reference": found["reference"]}
    return gettext(reason)


def history_correction_reason(reference: str) -> str:
    """The why of a correction granted in the case ``reference``."""
    return f"correction case {reference}"


def history_columns(model: type[models.Model]) -> list[str]:
    """The columns ``model`` and its historical twin share (names of the database)."""
    kept = {field.column for field in history_model(model)._meta.concrete_fields}
    return [field.column for field in model._meta.concrete_fields if field.column in kept]


def bulk_create_with_history(model: type[models.Model], objs: list, *, batch_size: int) -> list:
    """``bulk_create`` and the "created" version of each row, with the current context's
    who and why (the demo seed writes the register this way)."""
    created = model.objects.bulk_create(objs, batch_size=batch_size)
    context = history_current()
    getattr(model, model._meta.simple_history_manager_attribute).bulk_history_create(
        created,
        default_user=context.user,
        default_change_reason=context.reason or None,
        default_date=timezone.now(),
        batch_size=batch_size,
    )
    return created


def bulk_update_with_history(
    model: type[models.Model], objs: list, fields: list[str], *, batch_size: int
) -> None:
    """``bulk_update`` of whole rows (``objs`` read from the database, then changed) and
    the "changed" version of each, with the current context's who and why."""
    model.objects.bulk_update(objs, fields, batch_size=batch_size)
    context = history_current()
    getattr(model, model._meta.simple_history_manager_attribute).bulk_history_create(
        objs,
        update=True,
        default_user=context.user,
        default_change_reason=context.reason or None,
        default_date=timezone.now(),
        batch_size=batch_size,
    )
