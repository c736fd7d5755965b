"""Staff searches of the registers, written so that PostgreSQL answers them from an index.

1. A term is split into words as Django's admin splits it ("quoted words" stay
   together); every word must match, each in one of the columns the register is
   searched by.
2. A word matches a name or street anywhere in it, case-insensitively
   (``icontains``). On PostgreSQL that is ``UPPER(column) LIKE '%WORD%'``, which
   the trigram indexes of migration ``registry/0008_search_indexes`` answer
   (``pg_trgm``, GIN, on ``UPPER(column)``); SQLite, in the demo, reads its small
   tables.
3. A column of another table (the street of a person's domicile or of a
   household's address) is matched as ``address = ANY(ARRAY(SELECT ...))``: an
   array PostgreSQL computes once and looks up in the foreign key's index, so
   the words' alternatives stay one bitmap of index scans instead of a join
   every row must pass.
4. Numbers are matched whole: a postcode, a household number, an enterprise
   number or vCode. A national number is never searched this way: it is looked
   up by its keyed hash, from a form (``admin.persons``).

The admin's ``get_search_results`` of persons, households, addresses and
organisations call these; each returns a filter (a ``Q``), reads nothing.
"""

from django.db.models import ForeignKey, Q
from django.db.models.lookups import In
from django.utils.text import smart_split, unescape_string_literal

from townhall.registry.identifiers import compact_enterprise_number, compact_vcode
from townhall.registry.models import Address

VCODE_LENGTH = 8


class AnyOf(In):
    """``field__any_of=queryset``: ``IN (subquery)`` anywhere, and on PostgreSQL
    ``= ANY(ARRAY(subquery))``, which an index scan can take inside an OR."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


# Only the filters below use it; registered here, where they are built.
ForeignKey.register_lookup(AnyOf)


def words_of(term: str) -> list[str]:
    """The words of a search term, as the admin splits them."""
    words = []
    for bit in smart_split(term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit.strip())
    return words


def _every_word(term: str, matches) -> Q | None:
    words = words_of(term)
    if not words:
        return None
    found = Q()
    for word in words:
        found &= matches(word)
    return found


def _streets(word: str):
    return Address.objects.filter(street_name__icontains=word).values("pk")


def person_filter(term: str) -> Q | None:
    """Persons whose given or family name, or the street of whose domicile, holds every
    word of ``term`` (None: no words)."""
    return _every_word(
        term,
        lambda word: (
            Q(family_name__icontains=word)
            | Q(given_names__icontains=word)
            | Q(domicile__any_of=_streets(word))
        ),
    )


def household_filter(term: str) -> Q | None:
    """Households whose address's street holds every word, or with the household number."""
    words = words_of(term)
    if len(words) == 1 and any(character.isdigit() for character in words[0]):
        return Q(register_number=words[0]) | Q(address__any_of=_streets(words[0]))
    return _every_word(term, lambda word: Q(address__any_of=_streets(word)))


def address_filter(term: str) -> Q | None:
    """Addresses whose street or municipality holds every word; a word of four digits
    is a postcode (matched whole)."""

    def matches(word: str) -> Q:
        found = Q(street_name__icontains=word) | Q(municipality_name__icontains=word)
        if len(word) == 4 and word.isdigit():
            found |= Q(postcode=word)
        return found

    return _every_word(term, matches)


def organisation_filter(term: str) -> Q | None:
    """Organisations by enterprise number or vCode (whole, in any written form), else
    by every word in the name or the alternative name."""
    compact = compact_enterprise_number(term)
    if compact.isdigit() and len(compact) == 10:
        return Q(enterprise_number=compact)
    code = compact_vcode(term)
    if len(code) == VCODE_LENGTH and code[0] == "V" and code[1:].isdigit():
        return Q(vcode=code)
    return _every_word(
        term,
        lambda word: Q(name__icontains=word) | Q(alternative_name__icontains=word),
    )
