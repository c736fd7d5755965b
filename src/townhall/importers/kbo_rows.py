"""From the KBO rows of one enterprise to the values of its :class:`Organisation`.

1. The enterprise number is validated (check digits) and kept as ten digits.
2. Status ``AC`` is active, anything else stopped.
3. The name is the legal name (denomination type 001) in the municipality's
   language first (Dutch, then French, English, German, unknown), else the
   commercial name (003), else the abbreviation (002), else the number itself.
   The alternative name is the best commercial name, else abbreviation, that
   differs from the name. Names longer than the field (200) are shortened and
   counted.
4. The kind is ``association`` for the juridical forms of :data:`ASSOCIATION_FORMS`
   and ``business`` otherwise; it is set when the organisation is created and
   never changed afterwards, so staff can correct it (e.g. to school).
5. The registered office (``REGO``) becomes an address; a struck-off or foreign
   office counts as none. Branch addresses (``ABBR``) are skipped.
6. Contacts of type TEL, EMAIL and WEB become phone (E.164), e-mail and website;
   the first valid one of each type wins. An invalid one is rejected (its
   contact row), the organisation is kept. A contact the file does not have
   leaves the organisation's value as it was. Fax numbers are skipped.
7. Activities (``activity.csv``): NACE-BEL code, version (2003, 2008, 2025),
   classification (MAIN, SECO, ANCI) and activity group; a row with another
   version or classification, or a code that is not digits, is rejected.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from townhall.importers.addresses import KEY, address_parts
from townhall.importers.base import Reject, Rejected, Skip
from townhall.registry.identifiers import format_enterprise_number, parse_enterprise_number
from townhall.registry.models import Address, Organisation
from townhall.registry.services import mobile_normalise

ENTERPRISE_COLUMNS = (
    "EnterpriseNumber",
    "Status",
    "JuridicalSituation",
    "TypeOfEnterprise",
    "JuridicalForm",
    "JuridicalFormCAC",
    "StartDate",
)
ESTABLISHMENT_COLUMNS = ("EstablishmentNumber", "StartDate", "EnterpriseNumber")
DENOMINATION_COLUMNS = ("EntityNumber", "Language", "TypeOfDenomination", "Denomination")
ADDRESS_COLUMNS = (
    "EntityNumber",
    "TypeOfAddress",
    "CountryNL",
    "CountryFR",
    "Zipcode",
    "MunicipalityNL",
    "MunicipalityFR",
    "StreetNL",
    "StreetFR",
    "HouseNumber",
    "Box",
    "ExtraAddressInfo",
    "DateStrikingOff",
)
CONTACT_COLUMNS = ("EntityNumber", "EntityContact", "ContactType", "Value")
ACTIVITY_COLUMNS = ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification")
NACE_VERSIONS = ("2003", "2008", "2025")
CLASSIFICATIONS = ("MAIN", "SECO", "ANCI")
# The organisation's columns the KBO decides, in the order of Enterprise.values().
ORGANISATION_COLUMNS = (
    "name",
    "alternative_name",
    "legal_form",
    "status",
    "email",
    "phone",
    "website",
)

# Juridical forms (code.csv, category JuridicalForm) of associations: VZW, IVZW,
# private foundation, foundation of public utility — the forms the Flemish
# association register knows. Every other form is a business.
ASSOCIATION_FORMS = {
    "017": "VZW",
    "125": "IVZW",
    "026": "private stichting",
    "029": "stichting van openbaar nut",
}
LEGAL_NAME, ABBREVIATION, COMMERCIAL_NAME = "001", "002", "003"
NAME_ORDER = {LEGAL_NAME: 0, COMMERCIAL_NAME: 1, ABBREVIATION: 2}
ALTERNATIVE_ORDER = {COMMERCIAL_NAME: 0, ABBREVIATION: 1}
# The KBO open data's own code list of languages (0 = unknown), not a list of ours.
KBO_LANGUAGES = {"fr": "1", "nl": "2", "de": "3", "en": "4"}
NAME_LENGTH = Organisation._meta.get_field("name").max_length
# Plain strings: looking a member up on a Choices class costs a microsecond, every row.
ACTIVE, STOPPED = Organisation.Status.ACTIVE.value, Organisation.Status.STOPPED.value
ASSOCIATION, BUSINESS = Organisation.Kind.ASSOCIATION.value, Organisation.Kind.BUSINESS.value
FIRST_ESTABLISHMENT = 2_000_000_000  # establishment numbers start with 2 to 8

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def is_establishment(number: int) -> bool:
    return number >= FIRST_ESTABLISHMENT


@dataclass
class Rules:
    """What depends on the municipality: language order and the streets of its postcodes
    in the address register (no check for a postcode without any)."""

    language_rank: dict[str, int]
    street_columns: tuple[str, str]
    municipality_columns: tuple[str, str]
    known_streets: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def for_municipality(cls, municipality, postcodes: set[str]) -> "Rules":
        languages = list(municipality.languages if municipality else []) or ["nl"]
        order = [KBO_LANGUAGES[code] for code in languages if code in KBO_LANGUAGES]
        order += [code for code in ("2", "1", "4", "3", "0") if code not in order]
        french_first = order.index("1") < order.index("2")
        known: dict[str, set[str]] = {}
        # Streets of the address register (imported from BeST, so with a URI) only:
        # addresses written from KBO rows prove nothing about a street.
        in_register = Address.objects.filter(postcode__in=postcodes).exclude(register_uri="")
        for postcode, key in in_register.values_list("postcode", "key"):
            known.setdefault(postcode, set()).add(key.split("|")[1])
        return cls(
            language_rank={code: rank for rank, code in enumerate(order)},
            street_columns=("StreetFR", "StreetNL") if french_first else ("StreetNL", "StreetFR"),
            municipality_columns=("MunicipalityFR", "MunicipalityNL")
            if french_first
            else ("MunicipalityNL", "MunicipalityFR"),
            known_streets=known,
        )


@dataclass(slots=True)
class Enterprise:
    """What the KBO says about one enterprise, ready to write."""

    number: str
    line: int
    status: str
    legal_form: str
    kind: str
    name: str
    alternative_name: str
    email: str = ""
    phone: str = ""
    website: str = ""
    office: tuple | None = None  # address parts (see addresses.address_parts)
    office_rejected: bool = False
    shortened: bool = False
    activities: tuple | None = None  # (group, version, code, classification); None: not read

    def values(self, current: tuple | None = None) -> tuple:
        """The values of :data:`ORGANISATION_COLUMNS`; a contact the file lacks stays as
        ``current`` has it."""
        email, phone, website = current[4:7] if current else ("", "", "")
        return (
            self.name,
            self.alternative_name,
            self.legal_form,
            self.status,
            self.email or email,
            self.phone or phone,
            self.website or website,
        )


def enterprise_from_rows(
    values: dict, line: int, related: dict, rules: Rules, events: list
) -> Enterprise:
    """The enterprise of one ``enterprise.csv`` row and its rows in the other files.

    Rows of the other files that are refused or left out are appended to
    ``events``; a problem with the enterprise row itself raises :class:`Rejected`.
    """
    try:
        number = _enterprise_number(values["EnterpriseNumber"])
    except ValidationError as error:
        raise Rejected(
            f"EnterpriseNumber {values['EnterpriseNumber'].strip()!r}: {error.messages[0]}"
        ) from None
    legal_form = values["JuridicalForm"].strip()
    association = {legal_form, values["JuridicalFormCAC"].strip()} & ASSOCIATION_FORMS.keys()
    name, alternative, shortened = _names(related.get("denomination.csv", ()), rules, events)
    office, office_rejected = _office(related.get("address.csv", ()), rules, events)
    enterprise = Enterprise(
        number=number,
        line=line,
        status=ACTIVE if values["Status"].strip() == "AC" else STOPPED,
        legal_form=legal_form,
        kind=ASSOCIATION if association else BUSINESS,
        name=name or format_enterprise_number(number),
        alternative_name=alternative,
        office=office,
        office_rejected=office_rejected,
        shortened=shortened,
    )
    _contacts(enterprise, related.get("contact.csv", ()), events)
    if "activity.csv" in related:
        rows = related["activity.csv"]
        enterprise.activities = activities_from_rows(rows, "activity.csv", events)
    return enterprise


def activities_from_rows(rows, file_name: str, events: list) -> tuple:
    """The activities of one enterprise's ``activity.csv`` rows, sorted; a row with an
    unknown version or classification, or a code that is not a NACE-BEL code, is rejected."""
    found: dict[tuple, int] = {}
    for row in rows:
        values = row.values
        version = values["NaceVersion"].strip()
        code = values["NaceCode"].strip().replace(".", "")
        classification = values["Classification"].strip().upper()
        group = values["ActivityGroup"].strip()
        reason = ""
        if version not in NACE_VERSIONS:
            reason = f"NaceVersion {version!r} is not one of {', '.join(NACE_VERSIONS)}"
        elif not (code.isascii() and code.isdigit() and len(code) <= 10):
            reason = f"NaceCode {values['NaceCode'].strip()!r} is not a NACE-BEL code"
        elif classification not in CLASSIFICATIONS:
            reason = f"Classification {classification!r} is not one of {', '.join(CLASSIFICATIONS)}"
        elif len(group) > 6:
            reason = f"ActivityGroup {group!r} is longer than 6 characters"
        elif (group, version, code, classification) in found:
            line = found[group, version, code, classification]
            reason = f"duplicate of line {line}"
        if reason:
            events.append(Reject(file_name, row.line, reason))
        else:
            found[group, version, code, classification] = row.line
    return tuple(sorted(found))


def _enterprise_number(text: str) -> str:
    """``parse_enterprise_number``, with a shortcut for the form the KBO writes
    (``0123.456.749``): the same checks, a sixth of the time."""
    if len(text) == 12 and text[4] == "." and text[8] == ".":
        digits = text[:4] + text[5:8] + text[9:]
        if (
            digits.isascii()
            and digits.isdigit()
            and digits[0] in "01"
            and int(digits)
            and (int(digits[:8]) + int(digits[8:])) % 97 == 0
        ):
            return digits
    return parse_enterprise_number(text)  # the other forms, and the reason of a wrong one


def _names(rows, rules: Rules, events: list) -> tuple[str, str, bool]:
    candidates = []
    seen: dict[tuple, int] = {}
    for row in rows:
        values = row.values
        kind = values["TypeOfDenomination"].strip()
        language = values["Language"].strip()
        text = " ".join(values["Denomination"].split())
        if kind not in NAME_ORDER:
            events.append(Skip(f"denomination type {kind}"))
            continue
        if not text:
            events.append(Reject("denomination.csv", row.line, "the denomination is empty"))
            continue
        if (language, kind, text) in seen:
            events.append(
                Reject(
                    "denomination.csv", row.line, f"duplicate of line {seen[language, kind, text]}"
                )
            )
            continue
        seen[language, kind, text] = row.line
        candidates.append((kind, rules.language_rank.get(language, 9), row.line, text))
    if not candidates:
        return "", "", False
    name = min(candidates, key=lambda c: (NAME_ORDER[c[0]], c[1], c[2]))[3]
    others = [
        c for c in candidates if c[0] in ALTERNATIVE_ORDER and c[3].casefold() != name.casefold()
    ]
    alternative = (
        min(others, key=lambda c: (ALTERNATIVE_ORDER[c[0]], c[1], c[2]))[3] if others else ""
    )
    shortened = len(name) > NAME_LENGTH or len(alternative) > NAME_LENGTH
    return name[:NAME_LENGTH], alternative[:NAME_LENGTH], shortened


def address_from_row(values: dict, rules: Rules) -> tuple:
    """The address parts of an ``address.csv`` row; in the municipality the street must be
    known."""
    street = values[rules.street_columns[0]].strip() or values[rules.street_columns[1]].strip()
    parts = address_parts(
        street_name=street,
        house_number=values["HouseNumber"],
        box_number=values["Box"],
        postcode=values["Zipcode"],
        municipality_name=values[rules.municipality_columns[0]].strip()
        or values[rules.municipality_columns[1]].strip(),
    )
    known = rules.known_streets.get(parts[3])
    if known and parts[KEY].split("|")[1] not in known:
        raise Rejected(
            f"the street {parts[0]!r} is not known in {parts[3]} {parts[4]}: "
            "check its spelling against the address register"
        )
    return parts


def _office(rows, rules: Rules, events: list) -> tuple[tuple | None, bool]:
    office, office_line, rejected = None, 0, False
    for row in rows:
        values = row.values
        kind = values["TypeOfAddress"].strip()
        if kind != "REGO":
            events.append(Skip("branch address" if kind == "ABBR" else f"address type {kind}"))
        elif office_line:
            events.append(
                Reject(
                    "address.csv",
                    row.line,
                    f"a second registered office (line {office_line} has one)",
                )
            )
        elif values["DateStrikingOff"].strip():
            events.append(Skip("address struck off"))
        elif values["CountryNL"].strip() or values["CountryFR"].strip():
            events.append(Skip("registered office abroad"))
        else:
            office_line = row.line
            try:
                office = address_from_row(values, rules)
            except Rejected as error:
                events.append(Reject("address.csv", row.line, error.reason))
                rejected = True
    return office, rejected


def _contacts(enterprise: Enterprise, rows, events: list) -> None:
    for row in rows:
        kind = row.values["ContactType"].strip().upper()
        value = row.values["Value"].strip()
        field_name = {"TEL": "phone", "EMAIL": "email", "WEB": "website"}.get(kind)
        if field_name is None:
            events.append(Skip("fax number" if kind == "FAX" else f"contact type {kind}"))
            continue
        if getattr(enterprise, field_name):
            events.append(Skip(f"a second {field_name}"))
            continue
        try:
            setattr(enterprise, field_name, _contact_value(field_name, value))
        except ValidationError:
            label = {
                "phone": "telephone number",
                "email": "e-mail address",
                "website": "web address",
            }
            events.append(
                Reject("contact.csv", row.line, f"not a valid {label[field_name]}: {value!r}")
            )


def _contact_value(field_name: str, value: str) -> str:
    if field_name == "phone":
        return mobile_normalise(value, field="phone")
    if field_name == "website" and not value.lower().startswith(("http://", "https://")):
        value = f"https://{value}"
    limit = Organisation._meta.get_field(field_name).max_length
    if len(value) > limit:
        raise ValidationError("too long")
    (_email if field_name == "email" else _url)(value)
    return value
