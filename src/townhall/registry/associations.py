"""Associations refreshed from the Flemish association register (Verenigingsregister).

1. :func:`associations_refresh` takes organisations with a vCode (one, some or
   all) and asks the connector (:mod:`.connectors.verenigingsregister`) for each
   one's detail; :func:`associations_refresh_from_feed` reads the register's feed
   instead, from the position stored after the last run.
2. :func:`association_apply` writes one association in one transaction: name,
   short name, status, addresses (through ``address_get_or_create``), main
   activities and contact details follow the register; what the municipality
   adds itself (``subsidy_category``, representatives) is never touched. The
   source of both groups of fields is recorded, and ``organisation_changed`` is
   sent after the commit when something changed.
3. A vCode the register no longer knows (404) is marked with
   ``removed_from_register_on``, never deleted (:func:`association_mark_removed`).
4. One association that fails leaves the others alone: the
   :class:`RefreshReport` lists what was refreshed, what failed and why. A
   failure that every further request would share (no connection, a refused key)
   ends the run, and the associations not asked yet are listed with that reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.registry import provenance
from townhall.registry.connectors import register as connectors
from townhall.registry.connectors.verenigingsregister import (
    NAME,
    AssociationNotInRegister,
    AssociationRegisterError,
    RegisterAnswerRefused,
    VerenigingsregisterConnector,
)
from townhall.registry.connectors.verenigingsregister_format import AssociationDetail
from townhall.registry.events import organisation_changed
from townhall.registry.models import (
    AssociationActivity,
    Organisation,
    OrganisationAddress,
    RegisterFeedPosition,
)
from townhall.registry.provenance import FieldGroup, Source
from townhall.registry.services import address_get_or_create, mobile_normalise

DETAIL = "public API of the association register"
Kind = OrganisationAddress.Kind


@dataclass
class RefreshReport:
    """What a refresh did, per vCode (or feed line)."""

    refreshed: dict[str, list[str]] = field(default_factory=dict)  # vCode -> fields changed
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # marked removed from the register
    failed: dict[str, str] = field(default_factory=dict)  # vCode or "line n" -> why
    notes: dict[str, list[str]] = field(default_factory=dict)  # parts left out, per vCode
    not_ours: int = 0  # feed entries for associations not in our register
    not_changed_since: int = 0  # feed entries older than the stored position
    position: str = ""  # the feed's position after the run

    @property
    def ok(self) -> bool:
        return not self.failed


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _contacts(organisation: Organisation, detail: AssociationDetail, notes: list[str]) -> dict:
    """The register's e-mail, telephone and website, each kept as ours when unusable."""
    checks = {
        "email": (validate_email, _("the register's e-mail address is not valid; ours is kept")),
        "website": (URLValidator(), _("the register's website is not valid; ours is kept")),
    }
    values = {}
    for name, (check, note) in checks.items():
        values[name] = detail.contact(name)
        if values[name]:
            try:
                check(values[name])
            except ValidationError:
                notes.append(note)
                values[name] = getattr(organisation, name)
    try:
        values["phone"] = mobile_normalise(detail.contact("phone"), field="phone")
    except ValidationError:
        notes.append(_("the register's telephone number is not valid; ours is kept"))
        values["phone"] = organisation.phone
    return values


def _addresses(detail: AssociationDetail, notes: list[str]) -> set[tuple[int, str]]:
    """(address id, kind) for each usable location: the primary one is the registered office."""
    primary = detail.primary_location
    wanted = set()
    for location in detail.locations:
        record = location.address
        try:
            address = address_get_or_create(
                street_name=record.street_name,
                house_number=record.house_number,
                box_number=record.box_number,
                postcode=record.postcode,
                municipality_name=record.municipality_name,
            )
        except ValidationError:
            notes.append(_("address not usable: %(address)s") % {"address": record})
            continue
        kind = Kind.REGISTERED_OFFICE if location is primary else Kind.ESTABLISHMENT
        wanted.add((address.pk, kind))
    return wanted


@transaction.atomic
def association_apply(
    *, organisation: Organisation, detail: AssociationDetail
) -> tuple[list[str], list[str]]:
    """Make ``organisation`` say what the register says; return (fields changed, notes).

    Raises ``ValidationError`` (nothing written) when the register's values do not fit.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    notes = list(detail.skipped)
    before = {
        name: getattr(organisation, name)
        for name in ("name", "alternative_name", "status", "email", "phone", "website")
    }
    organisation.name = detail.name
    organisation.alternative_name = detail.short_name
    organisation.status = detail.status or organisation.status
    for name, value in _contacts(organisation, detail, notes).items():
        setattr(organisation, name, value)
    was_removed = organisation.removed_from_register_on is not None
    organisation.removed_from_register_on = None
    organisation.full_clean()
    changed = [name for name, value in before.items() if getattr(organisation, name) != value]
    if was_removed:
        changed.append("removed_from_register_on")
    organisation.save(update_fields=[*before, "removed_from_register_on"])

    wanted = _addresses(detail, notes)
    links = OrganisationAddress.objects.filter(organisation=organisation)
    if set(links.values_list("address_id", "kind")) != wanted:
        links.delete()
        OrganisationAddress.objects.bulk_create(
            OrganisationAddress(organisation=organisation, address_id=pk, kind=kind)
            for pk, kind in sorted(wanted)
        )
        changed.append("addresses")
    activities = AssociationActivity.objects.filter(organisation=organisation)
    if set(activities.values_list("code", "name")) != set(detail.activities):
        activities.delete()
        AssociationActivity.objects.bulk_create(
            AssociationActivity(organisation=organisation, code=code, name=name[:120])
            for code, name in detail.activities
        )
        changed.append("activities")

    for group in (FieldGroup.ORGANISATION, FieldGroup.ORGANISATION_CONTACT):
        provenance.record_source_set(
            organisation=organisation,
            group=group,
            source=Source.ASSOCIATION_REGISTER,
            detail=DETAIL,
        )
    if changed:
        organisation_changed.send_on_commit(
            subject_id=organisation.pk,
            organisation=organisation.pk,
            fields=changed,
            source=Source.ASSOCIATION_REGISTER.value,
        )
    return changed, notes


@transaction.atomic
def association_mark_removed(*, organisation: Organisation) -> bool:
    """Mark that the register no longer knows the association; True when newly marked."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.removed_from_register_on:
        return False
    organisation.removed_from_register_on = timezone.localdate()
    organisation.save(update_fields=["removed_from_register_on"])
    organisation_changed.send_on_commit(
        subject_id=organisation.pk,
        organisation=organisation.pk,
        fields=["removed_from_register_on"],
        source=Source.ASSOCIATION_REGISTER.value,
    )
    return True


def _connector(connector: VerenigingsregisterConnector | None) -> VerenigingsregisterConnector:
    return connector or connectors[NAME]


def _apply_into(report: RefreshReport, organisation: Organisation, detail) -> bool:
    """Apply one detail and note the outcome; False when it failed."""
    try:
        changed, notes = association_apply(organisation=organisation, detail=detail)
    except ValidationError as error:
        report.failed[detail.vcode] = _("not saved: %(reason)s") % {"reason": _messages(error)}
        return False
    if changed:
        report.refreshed[detail.vcode] = changed
    else:
        report.unchanged.append(detail.vcode)
    if notes:
        report.notes[detail.vcode] = notes
    return True


def associations_refresh(
    *,
    vcodes: Iterable[str] | None = None,
    connector: VerenigingsregisterConnector | None = None,
) -> RefreshReport:
    """Refresh the associations with these vCodes, or every organisation with a vCode."""
    connector = _connector(connector)
    report = RefreshReport()
    organisations = Organisation.objects.filter(vcode__isnull=False).order_by("vcode")
    if vcodes is not None:
        wanted = list(dict.fromkeys(vcodes))
        organisations = organisations.filter(vcode__in=wanted)
        found = set(organisations.values_list("vcode", flat=True))
        for vcode in wanted:
            if vcode not in found:
                report.failed[vcode] = _("No organisation in our register has this vCode.")
    organisations = list(organisations)
    for index, organisation in enumerate(organisations):
        try:
            detail = connector.fetch_association(organisation.vcode)
        except AssociationNotInRegister:
            association_mark_removed(organisation=organisation)
            report.removed.append(organisation.vcode)
            continue
        except AssociationRegisterError as error:
            report.failed[organisation.vcode] = str(error)
            if error.stops_run:
                for later in organisations[index + 1 :]:
                    report.failed[later.vcode] = _("not asked: %(reason)s") % {"reason": error}
                break
            continue
        _apply_into(report, organisation, detail)
    return report


def associations_refresh_from_feed(
    *, connector: VerenigingsregisterConnector | None = None
) -> RefreshReport:
    """Refresh our associations from the register's feed, since the stored position.

    The position is the latest ``datumLaatsteAanpassing`` read. It moves only
    when the whole feed was read, and never past an association that failed,
    so a failed one is tried again next time.
    """
    connector = _connector(connector)
    stored = RegisterFeedPosition.objects.filter(feed=NAME).first()
    since = stored.position if stored else ""
    ours = {o.vcode: o for o in Organisation.objects.filter(vcode__isnull=False)}
    report = RefreshReport(position=since)
    latest, blocked = since, []
    try:
        for number, item in enumerate(connector.changes(), start=1):
            if isinstance(item, RegisterAnswerRefused):
                report.failed[_("entry %(number)s") % {"number": number}] = str(item)
                continue
            latest = max(latest, item.changed_on)
            if item.vcode not in ours:
                report.not_ours += 1
            elif since and item.changed_on and item.changed_on < since:
                report.not_changed_since += 1
            elif not _apply_into(report, ours[item.vcode], item):
                blocked.append(item.changed_on or since)
    except AssociationRegisterError as error:
        report.failed[_("feed")] = str(error)
        return report  # read only in part: the position stays
    report.position = min(blocked) if blocked else latest
    if report.position and report.position != since:
        RegisterFeedPosition.objects.update_or_create(
            feed=NAME, defaults={"position": report.position}
        )
    return report
