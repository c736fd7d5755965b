"""The shape of the association register's answers, read in one place.

The Verenigingsregister's public API answers the detail of an association
(``GET /v1/verenigingen/{vCode}``) as::

    {"vereniging": {"vCode", "naam", "korteNaam", "verenigingstype", "status",
                    "startdatum", "hoofdactiviteitenVerenigingsloket": [{"code", "naam"}],
                    "locaties": [{"locatietype", "isPrimair", "adresvoorstelling",
                                  "adres": {"straatnaam", "huisnummer", "busnummer",
                                            "postcode", "gemeente", "land"}}],
                    "contactgegevens": [{"contactgegeventype", "waarde", "isPrimair"}]},
     "metadata": {"datumLaatsteAanpassing"}}

and its feed (``GET /v1/verenigingen/detail/all``) as one such document per
line (newline-delimited JSON). Only the fields above are relied on; anything
else is ignored, and a missing optional field reads as empty. When the
register changes a name, this module is the one place to fix
(``docs/associations.md`` lists the same fields).
"""

import datetime
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from townhall.registry.connectors.base import AddressRecord
from townhall.registry.identifiers import VCODE_PATTERN, compact_vcode
from townhall.registry.models import Organisation

# The register's status values (case-insensitive) and ours; an unknown one changes nothing.
STATUSES = {
    "actief": Organisation.Status.ACTIVE,
    "gestopt": Organisation.Status.STOPPED,
    "dubbel": Organisation.Status.STOPPED,  # merged into another vCode
}
# contactgegeventype, folded (lower case, no hyphen or space) -> our kind.
CONTACT_KINDS = {"email": "email", "telefoon": "phone", "website": "website"}
BELGIUM = {"", "belgie", "belgië", "belgium", "belgique", "be"}


class RegisterAnswerInvalid(ValueError):
    """The register answered something that is not an association's detail."""


@dataclass(frozen=True)
class Location:
    """A place of the association (locatie) with a structured address."""

    kind: str  # locatietype as the register writes it
    is_primary: bool
    address: AddressRecord


@dataclass(frozen=True)
class Contact:
    kind: str  # email, phone, website (CONTACT_KINDS)
    value: str
    is_primary: bool


@dataclass(frozen=True)
class AssociationDetail:
    """What the register says about one association, in our terms."""

    vcode: str
    name: str
    short_name: str = ""
    status: str = ""  # an Organisation.Status, or "" when the register's is unknown
    start_date: datetime.date | None = None
    activities: tuple[tuple[str, str], ...] = ()  # (code, name)
    locations: tuple[Location, ...] = ()
    contacts: tuple[Contact, ...] = ()
    skipped: tuple[str, ...] = ()  # parts left out, with why (a foreign address, ...)
    changed_on: str = ""  # metadata.datumLaatsteAanpassing, ISO date or date-time

    @property
    def primary_location(self) -> Location | None:
        """The location marked primary (isPrimair), else the first, else None."""
        primary = [loc for loc in self.locations if loc.is_primary]
        return (primary or list(self.locations) or [None])[0]

    def contact(self, kind: str) -> str:
        """The primary contact of this kind, else the first, else ""."""
        found = [c for c in self.contacts if c.kind == kind]
        found.sort(key=lambda c: not c.is_primary)
        return found[0].value if found else ""


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise RegisterAnswerInvalid(
            _("The register's field %(field)s is not a text.") % {"field": key}
        )
    return " ".join(str(value).split())


def _objects(data: dict, key: str) -> list[dict]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise RegisterAnswerInvalid(
            _("The register's field %(field)s is not a list of objects.") % {"field": key}
        )
    return value


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _location(item: dict, skipped: list[str]) -> Location | None:
    address = item.get("adres")
    label = _text(item, "adresvoorstelling") or _text(item, "locatietype")
    if not isinstance(address, dict):
        skipped.append(_("location without a structured address: %(label)s") % {"label": label})
        return None
    country = _text(address, "land").casefold()
    if country not in BELGIUM:
        skipped.append(_("address abroad: %(label)s") % {"label": label})
        return None
    return Location(
        kind=_text(item, "locatietype"),
        is_primary=item.get("isPrimair") is True,
        address=AddressRecord(
            street_name=_text(address, "straatnaam"),
            house_number=_text(address, "huisnummer"),
            box_number=_text(address, "busnummer"),
            postcode=_text(address, "postcode"),
            municipality_name=_text(address, "gemeente"),
        ),
    )


def _contact(item: dict) -> Contact | None:
    kind = _text(item, "contactgegeventype").casefold().replace("-", "").replace(" ", "")
    value = _text(item, "waarde")
    if kind not in CONTACT_KINDS or not value:
        return None  # social media and kinds we do not keep
    return Contact(kind=CONTACT_KINDS[kind], value=value, is_primary=item.get("isPrimair") is True)


def detail_parse(document: object, *, expected_vcode: str = "") -> AssociationDetail:
    """The association in a detail document; raises :class:`RegisterAnswerInvalid`."""
    if not isinstance(document, dict):
        raise RegisterAnswerInvalid(_("The register's answer is not a JSON object."))
    association = document.get("vereniging")
    if not isinstance(association, dict):
        raise RegisterAnswerInvalid(_("The register's answer holds no association (vereniging)."))
    vcode = compact_vcode(_text(association, "vCode"))
    if not VCODE_PATTERN.match(vcode):
        raise RegisterAnswerInvalid(_("The register's answer has no valid vCode."))
    if expected_vcode and vcode != expected_vcode:
        raise RegisterAnswerInvalid(
            _("The register answered about %(other)s when asked about %(vcode)s.")
            % {"other": vcode, "vcode": expected_vcode}
        )
    name = _text(association, "naam")
    if not name:
        raise RegisterAnswerInvalid(_("The register's answer has no name (naam)."))
    skipped: list[str] = []
    locations = [_location(item, skipped) for item in _objects(association, "locaties")]
    contacts = [_contact(item) for item in _objects(association, "contactgegevens")]
    activities = {}
    for item in _objects(association, "hoofdactiviteitenVerenigingsloket"):
        code = _text(item, "code")
        if code:
            activities[code] = _text(item, "naam") or _text(item, "beschrijving")
    metadata = document.get("metadata")
    changed_on = _text(metadata, "datumLaatsteAanpassing") if isinstance(metadata, dict) else ""
    return AssociationDetail(
        vcode=vcode,
        name=name,
        short_name=_text(association, "korteNaam"),
        status=STATUSES.get(_text(association, "status").casefold(), ""),
        start_date=_date(_text(association, "startdatum")),
        activities=tuple(sorted(activities.items())),
        locations=tuple(location for location in locations if location),
        contacts=tuple(contact for contact in contacts if contact),
        skipped=tuple(skipped),
        changed_on=changed_on,
    )


def feed_line_parse(line: bytes) -> AssociationDetail:
    """One line of the newline-delimited feed."""
    try:
        document = json.loads(line)
    except ValueError:
        raise RegisterAnswerInvalid(_("A line of the register's feed is not JSON.")) from None
    return detail_parse(document)
