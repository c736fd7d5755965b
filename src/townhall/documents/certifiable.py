"""Why a person's register data cannot be certified right now: a change is pending.

A certificate states what the register holds today. While a change of that is
being handled, the register may be wrong, and a certificate issued without a
look could certify what is about to be corrected. Pending are:

1. an open correction request ("this is not right" on My data) of the holder
   about an item a certificate prints: their names, birth date, domicile or
   household;
2. an open correction request of another current member of their household
   about the domicile or the household composition (a move or a composition
   being corrected concerns everyone in it);
3. a household membership of the holder that starts after today (a move
   recorded ahead of its date).

Each gives its reason in words; citizens' affairs then look at the request.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.registry.models import CorrectionRequest, HouseholdMembership, Person

# The items of My data a certificate from the registers prints.
PRINTED_ITEMS = ("given_names", "family_name", "birth_date", "domicile", "household")
HOUSEHOLD_ITEMS = ("domicile", "household")


def pending_changes(holder: Person) -> str:
    """The reason why ``holder``'s data cannot be certified now, or "". Three queries."""
    open_requests = CorrectionRequest.objects.filter(status=CorrectionRequest.Status.OPEN)
    if open_requests.filter(person=holder, item_key__in=PRINTED_ITEMS).exists():
        return _(
            "A correction of the holder's data is being handled; the register may change first."
        )
    household = HouseholdMembership.objects.filter(
        person=holder, end_date__isnull=True
    ).values_list("household_id", flat=True)
    others = HouseholdMembership.objects.filter(
        household_id__in=household, end_date__isnull=True
    ).exclude(person=holder)
    if open_requests.filter(
        person__in=others.values("person"), item_key__in=HOUSEHOLD_ITEMS
    ).exists():
        return _("A change in the holder's household is being handled.")
    if HouseholdMembership.objects.filter(
        person=holder, start_date__gt=timezone.localdate()
    ).exists():
        return _("A move of the holder is recorded and not yet in force.")
    return ""
