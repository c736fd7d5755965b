"""A person's fields, declared once: what each is, who delivers it, how it is named.

Every list of a person's fields derives from :data:`PERSON_FIELDS`:

1. the record sources (:mod:`townhall.registry.provenance`): which group of
   fields a change touches (:data:`GROUP_OF`);
2. the population importer: the columns the population register delivers
   (:data:`POPULATION_COLUMNS`), and the group whose source a changed column renews;
3. the local connector: a ``PersonRecord`` copies the columns it declares;
4. the prefill catalogue: each field's OSLO term and project aliases;
5. My data: the items, their labels, and which ones the resident changes
   themselves instead of asking for a correction;
6. the person admin's form: every column staff may edit (:data:`STAFF_EDITABLE`);
7. the demo seed: the columns a planned person has, and who gave them.

A field is one value as a person names it; ``columns`` are the Person columns
that hold it, the first one holding the value as it may be shown (the national
number is shown masked, and kept beside that as kind, keyed hash and encrypted
form). A test checks that these columns are every concrete column of Person
except the record's own bookkeeping (:data:`BOOKKEEPING`), so a new field
cannot be forgotten.

This module imports nothing of the registry, so that the models, provenance,
the importers and the connectors can all use it; a group is named by its
:class:`~townhall.registry.provenance.FieldGroup` value (a test checks them).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The values of provenance.FieldGroup that person fields belong to.
IDENTITY, DOMICILE, CONTACT, PREFERENCES = "identity", "domicile", "contact", "preferences"


@dataclass(frozen=True)
class PersonField:
    """One field of a person (persoon).

    ``group`` is the group of fields whose source a change renews, or None for a
    field My data does not show with a source (the state of the record).
    ``from_population_register``: the population register delivers it (its
    importer writes it; citizens' affairs change it). ``changed_by_resident``:
    the resident changes it on the contact page, so My data offers no correction
    request for it. ``aliases`` are the prefill names after the OSLO term;
    ``prefilled`` is False for a field the prefill catalogue does not offer.
    """

    name: str
    label: Promise
    oslo: str
    group: str | None
    columns: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    from_population_register: bool = True
    changed_by_resident: bool = False
    prefilled: bool = True

    def __post_init__(self):
        if not self.columns:
            object.__setattr__(self, "columns", (self.name,))

    @property
    def prefill_names(self) -> tuple[str, ...]:
        return (self.oslo, *self.aliases)


PERSON_FIELDS: tuple[PersonField, ...] = (
    # The register keeps the given names as registered; it holds no separate
    # "used" first name, so both OSLO terms give the registered given names.
    PersonField(
        "given_names",
        _("Given names"),
        "persoon:gebruikteVoornaam",
        IDENTITY,
        aliases=("foaf:givenName", "given_name", "given_names"),
    ),
    PersonField(
        "family_name", _("Family name"), "foaf:familyName", IDENTITY, aliases=("family_name",)
    ),
    PersonField(
        "birth_date",
        _("Birth date"),
        "persoon:heeftGeboorte",
        IDENTITY,
        columns=("birth_date", "birth_date_precision"),
        aliases=("birth_date",),
    ),
    PersonField("sex", _("Sex"), "persoon:geslacht", IDENTITY, aliases=("sex",)),
    PersonField(
        "nationality",
        _("Nationality (country code)"),
        "persoon:heeftNationaliteit",
        IDENTITY,
        aliases=("nationality",),
    ),
    # The national register delivers it (nl, fr, de: townhall.languages); the resident
    # may choose another language for our messages. Persoon basis has no term for it.
    PersonField(
        "language",
        _("Language"),
        "schema:knowsLanguage",
        PREFERENCES,
        aliases=("language",),
        changed_by_resident=True,
    ),
    # Never prefilled in clear: the first column, the one read, is the masked form.
    PersonField(
        "national_number",
        _("National number"),
        "adms:identifier",
        IDENTITY,
        columns=(
            "national_number_masked",
            "number_kind",
            "national_number_hash",
            "national_number_encrypted",
        ),
        aliases=("national_number_masked",),
    ),
    PersonField(
        "domicile",
        _("Domicile address"),
        "persoon:verblijfsadres",
        DOMICILE,
        aliases=("address", "domicile"),
    ),
    # Resident, moved out, deceased or a visitor, and since when.
    PersonField(
        "state",
        _("Residence"),
        "persoon:Inwonerschap",
        None,
        columns=("state", "state_since"),
        prefilled=False,
    ),
    PersonField(
        "email",
        _("E-mail"),
        "schema:email",
        CONTACT,
        aliases=("email",),
        from_population_register=False,
        changed_by_resident=True,
    ),
    PersonField(
        "mobile",
        _("Mobile number"),
        "schema:telephone",
        CONTACT,
        aliases=("mobile", "telephone"),
        from_population_register=False,
        changed_by_resident=True,
    ),
)

BY_NAME = {field.name: field for field in PERSON_FIELDS}
# Columns of Person that are the record's own bookkeeping, not data about the person.
BOOKKEEPING = ("id", "created_at", "updated_at")
COLUMNS = tuple(column for field in PERSON_FIELDS for column in field.columns)
# The number's stored forms: set only through the number itself (keyed hash, encryption).
NUMBER_COLUMNS = BY_NAME["national_number"].columns
# A field's name and each of its columns, to the group whose source a change renews.
GROUP_OF = {
    key: field.group
    for field in PERSON_FIELDS
    if field.group
    for key in (field.name, *field.columns)
}
POPULATION_COLUMNS = tuple(
    column for field in PERSON_FIELDS if field.from_population_register for column in field.columns
)
# Staff edit every column but the number's stored forms: the admin form takes a new
# number in a field of its own, which goes through the keyed hash.
STAFF_EDITABLE = tuple(column for column in COLUMNS if column not in NUMBER_COLUMNS)
