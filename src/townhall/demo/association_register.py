"""The demo's association register: what its fake (``fake_verenigingsregister``) answers.

1. The seed registers one association the municipality knows only by its vCode
   (:data:`VCODE_ONLY`), as a counter clerk would when a club applies for a
   subsidy: a provisional name, the vCode and the local subsidy category.
2. The demo's fake register (``/demo/verenigingsregister/`` in demo mode) knows
   that association with its real name, address, main activities and contact
   details: ``refresh_associations V0008770`` brings them in and keeps the
   subsidy category.
3. For every other demo association the fake answers what our register holds,
   so ``refresh_associations --all`` changes nothing else.
"""

from collections.abc import Iterator, Mapping

from townhall.demo.fake_verenigingsregister import association_detail
from townhall.demo.municipality import MUNICIPALITY_NAME, POSTCODE
from townhall.registry import provenance
from townhall.registry.models import Organisation, OrganisationAddress
from townhall.registry.services import organisation_create

VCODE_ONLY = "V0008770"  # outside the range the seed draws vCodes from
PROVISIONAL_NAME = f"Vereniging {VCODE_ONLY}"
SUBSIDY_CATEGORY = "Jeugdwerking"

ONLY_IN_THE_REGISTER = association_detail(
    VCODE_ONLY,
    "Jeugdhuis De Vlasschuur",
    short_name="De Vlasschuur",
    activities=(("JEUG", "Jeugdwerk"), ("MUZI", "Muziek en zang")),
    address={
        "straatnaam": "Stationsstraat",
        "huisnummer": "41",
        "postcode": POSTCODE,
        "gemeente": MUNICIPALITY_NAME,
    },
    contacts=(
        ("E-mail", "info@devlasschuur.example.org"),
        ("Telefoon", "051 30 12 34"),
        ("Website", "https://devlasschuur.example.org/"),
        ("SocialMedia", "https://social.example.org/@devlasschuur"),
    ),
)


def association_awaiting_refresh_create() -> Organisation:
    """The demo association with only a vCode (and the subsidy category staff gave it)."""
    organisation = organisation_create(
        name=PROVISIONAL_NAME,
        kind=Organisation.Kind.ASSOCIATION,
        vcode=VCODE_ONLY,
        subsidy_category=SUBSIDY_CATEGORY,
    )
    provenance.record_source_set(
        organisation=organisation,
        group=provenance.FieldGroup.ORGANISATION,
        source=provenance.Source.COUNTER,
    )
    return organisation


def _copy_of(organisation: Organisation) -> dict:
    """Our row as the register's detail: the demo's other associations change nothing."""
    link = (
        OrganisationAddress.objects.filter(organisation=organisation)
        .order_by("kind")  # the registered office first
        .select_related("address")
        .first()
    )
    address = None
    if link:
        address = {
            "straatnaam": link.address.street_name,
            "huisnummer": link.address.house_number,
            "busnummer": link.address.box_number,
            "postcode": link.address.postcode,
            "gemeente": link.address.municipality_name,
        }
    contacts = [
        (kind, value)
        for kind, value in (
            ("E-mail", organisation.email),
            ("Telefoon", organisation.phone),
            ("Website", organisation.website),
        )
        if value
    ]
    activities = organisation.association_activities.values_list("code", "name")
    return association_detail(
        organisation.vcode,
        organisation.name,
        short_name=organisation.alternative_name,
        status="Gestopt" if organisation.status == Organisation.Status.STOPPED else "Actief",
        activities=tuple(activities),
        address=address,
        contacts=tuple(contacts),
    )


class DemoRegister(Mapping):
    """vCode -> detail, read when asked: the fixed association, then our own rows."""

    def _ours(self):
        return Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION, vcode__isnull=False)

    def __getitem__(self, vcode: str) -> dict:
        if vcode == VCODE_ONLY:
            return ONLY_IN_THE_REGISTER
        organisation = self._ours().filter(vcode=vcode).first()
        if organisation is None:
            raise KeyError(vcode)
        return _copy_of(organisation)

    def __iter__(self) -> Iterator[str]:
        codes = set(self._ours().values_list("vcode", flat=True)) | {VCODE_ONLY}
        return iter(sorted(codes))

    def __len__(self) -> int:
        return len(list(iter(self)))
