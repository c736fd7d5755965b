"""The kinds of document the municipality issues: one plugin registry.

1. A kind is a class inheriting :class:`DocumentKind` that registers itself with
   ``@register("certificate_of_residence")``; :class:`DocumentsConfig.ready`
   imports this module, so the registry is full once Django has started.
2. A kind says what it is (``label``), which template prints it
   (``templates/documents/pdf/<code>.html``, extending ``documents/pdf/base.html``; one
   template for nl, fr and en, its texts through gettext), how long its file
   is kept (``retention_days``), and what it needs (``needs``: the holder in
   the register, the case, the case's submission).
3. :meth:`DocumentKind.facts` reads what the document states, from the
   registers through the prefill service (:func:`townhall.registry.prefill.fetch_record`)
   or from the case. When it cannot be certified (the holder does not live
   here, a change of their data is pending, an answer is missing) it raises
   :class:`NotCertifiable` with the reason, in words for the resident and for
   citizens' affairs; nothing is issued then.

Shipped: ``certificate_of_residence`` (bewijs van woonst), ``parking_permit``
(bewonersparkeerkaart) and ``decision`` (a case's decision letter).
"""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.documents.certifiable import pending_changes
from townhall.plugins import Registry, UnknownPlugin
from townhall.registry.models import Person
from townhall.registry.prefill import fetch_record

HOLDER, CASE, SUBMISSION = "holder", "case", "submission"


class NotCertifiable(Exception):
    """What the document would state cannot be certified now; the message says why."""


@dataclass(frozen=True)
class Facts:
    """What one document states: ``holder_name`` as printed, and the kind's own values."""

    holder_name: str
    values: dict


class DocumentKind(ABC):
    """A kind of document: its label, template, retention and what it states."""

    code = ""  # set by @register
    label = ""
    # How long the issued file is kept; the row (number, kind, dates) stays after.
    retention_days = 365
    needs: tuple[str, ...] = (HOLDER,)

    @property
    def template(self) -> str:
        return f"documents/pdf/{self.code}.html"

    def retain_until(self, issued: datetime.date) -> datetime.date:
        return issued + datetime.timedelta(days=self.retention_days)

    def missing(self, *, holder, case) -> str:
        """What the kind needs and was not given, in words for an administrator, or ""."""
        if HOLDER in self.needs and holder is None:
            return _("This document needs a holder in the register.")
        if CASE in self.needs and case is None:
            return _("This document is issued for a case only.")
        if SUBMISSION in self.needs and (case is None or case.submission_id is None):
            return _("This document needs the answers of a request.")
        return ""

    @abstractmethod
    def facts(self, *, holder: Person | None, case, data: dict, municipality) -> Facts:
        """What the document states; :class:`NotCertifiable` when it cannot be certified."""


class UnknownKind(UnknownPlugin):
    pass


class KindRegistry(Registry[DocumentKind]):
    kind = "document kind"
    base = DocumentKind
    unknown_error = UnknownKind

    def entry_made(self, plugin, identifier):
        kind = plugin()
        kind.code = identifier
        return kind


register = KindRegistry()


def _lives_here(domicile, municipality) -> bool:
    """Whether an address (an AddressRecord) lies in ``municipality``: by NIS code, or by
    its postcodes when the address has none."""
    if domicile.nis_code:
        return domicile.nis_code == municipality.nis_code
    postcodes = {p.code for p in municipality.postcodes.all()} or {municipality.postcode}
    return domicile.postcode in postcodes


@register("certificate_of_residence")
class CertificateOfResidence(DocumentKind):
    """Bewijs van woonst (attestation de résidence): the holder's name, birth date and
    address in the municipality, and since when they are registered there. From the
    registers only; a certificate a few months old no longer proves much, so its file
    is kept two years."""

    label = gettext_lazy("Certificate of residence")
    retention_days = 2 * 365

    def facts(self, *, holder, case, data, municipality):
        record = fetch_record(holder)
        if record is None:
            raise NotCertifiable(_("The holder is not in the register."))
        if record.state != Person.State.RESIDENT or record.domicile is None:
            raise NotCertifiable(_("The holder is not registered as living in the municipality."))
        if not _lives_here(record.domicile, municipality):
            raise NotCertifiable(_("The holder's domicile is not in this municipality."))
        pending = pending_changes(holder)
        if pending:
            raise NotCertifiable(pending)
        return Facts(
            holder_name=f"{record.given_names} {record.family_name}",
            values={
                "given_names": record.given_names,
                "family_name": record.family_name,
                "birth_date": record.birth_date,
                "address": str(record.domicile),
                "since": record.state_since,
            },
        )


def _address_text(value) -> str:
    """An address answer of a form (eforms.fields.address_value) as one line."""
    if not isinstance(value, dict):
        return str(value or "")
    street = " ".join(p for p in (value.get("street_name"), value.get("house_number")) if p)
    if value.get("box_number"):
        street = f"{street} {_('box')} {value['box_number']}"
    place = " ".join(p for p in (value.get("postcode"), value.get("municipality_name")) if p)
    return ", ".join(p for p in (street, place) if p)


@register("parking_permit")
class ParkingPermit(DocumentKind):
    """Bewonersparkeerkaart: the number plate and the address of the request, valid for a
    year from the day it is issued. Kept a year after it ends."""

    label = gettext_lazy("Resident parking permit")
    retention_days = 2 * 365
    needs = (HOLDER, CASE, SUBMISSION)
    valid_days = 365

    def facts(self, *, holder, case, data, municipality):
        answers = case.submission.answers.get("values", {})
        plate = str(answers.get("number_plate") or "").strip().upper()
        address = _address_text(answers.get("address"))
        if not plate or not address:
            raise NotCertifiable(_("The request names no number plate or no address."))
        valid_from = timezone.localdate()
        return Facts(
            holder_name=holder.full_name,
            values={
                "number_plate": plate,
                "address": address,
                "valid_from": valid_from,
                "valid_until": valid_from + datetime.timedelta(days=self.valid_days - 1),
                "reference": case.reference,
            },
        )


DECIDED = ("granted", "refused")


@register("decision")
class DecisionLetter(DocumentKind):
    """A case's decision letter: granted or refused, with its motivation. Decisions are
    kept ten years (they can be appealed and are part of the case file)."""

    label = gettext_lazy("Decision letter")
    retention_days = 10 * 365
    needs = (CASE,)

    def facts(self, *, holder, case, data, municipality):
        # Before the close action the decision is in the task data; after it on the case.
        decision = data.get("decision") or case.decision
        motivation = (data.get("message") or case.motivation or "").strip()
        if decision not in DECIDED:
            raise NotCertifiable(_("The case has no decision to put in a letter yet."))
        if not motivation:
            raise NotCertifiable(_("A decision letter needs the motivation of the decision."))
        if holder is not None:
            name = holder.full_name
        elif case.applicant_organisation_id is not None:
            name = case.applicant_organisation.name
        else:
            name = ""
        return Facts(
            holder_name=name,
            values={
                "decision": decision,
                "motivation": motivation,
                "reference": case.reference,
                "opened": timezone.localdate(case.opened_at),
                "product": case.product.text("title", data.get("language") or case.language)
                if case.product_id
                else "",
            },
        )
