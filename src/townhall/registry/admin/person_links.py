"""The pages about one person that a staff member may open from the person's record.

The record (admin) and the back office's pages of a person show the same list: the
household, the messages, the mandates, the history, the correction requests and the access log,
each only when the staff member's role opens that page (the same permission the page
itself checks). Each of those pages asks its own purpose where it shows persons, and
writes the access log itself: a link shows nothing.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from townhall.registry.models import HouseholdMembership, Person


@dataclass(frozen=True)
class RecordLink:
    label: str
    url: str


def person_record_links(*, person: Person, user) -> list[RecordLink]:
    """The links for ``person`` that ``user`` may follow (one query, for the household)."""
    links = []

    def may(*permissions: str) -> bool:
        return any(user.has_perm(permission) for permission in permissions)

    if may("registry.view_person", "registry.change_person"):
        links.append(
            RecordLink(_("Record"), reverse("admin:registry_person_change", args=[person.pk]))
        )
    if may("registry.view_household", "registry.change_household"):
        household_id = (
            HouseholdMembership.objects.filter(person=person, end_date__isnull=True)
            .values_list("household_id", flat=True)
            .first()
        )
        if household_id is not None:
            links.append(
                RecordLink(
                    _("Household"), reverse("admin:registry_household_change", args=[household_id])
                )
            )
    if may("messaging.view_message"):
        links.append(
            RecordLink(_("Messages"), reverse("backoffice:messaging_person", args=[person.pk]))
        )
    if may("accounts.view_mandate"):
        links.append(
            RecordLink(_("Mandates"), reverse("backoffice:person_mandates", args=[person.pk]))
        )
    if may("registry.view_historicalperson"):
        links.append(
            RecordLink(_("History"), reverse("backoffice:person_history", args=[person.pk]))
        )
    if may("registry.view_correctionrequest", "registry.change_correctionrequest"):
        url = reverse("admin:registry_correctionrequest_changelist")
        links.append(RecordLink(_("Correction requests"), f"{url}?person__id__exact={person.pk}"))
    if may("registry.view_accesslogentry"):
        url = reverse("admin:registry_accesslogentry_changelist")
        links.append(
            RecordLink(_("Who looked at this record"), f"{url}?person__id__exact={person.pk}")
        )
    return links
