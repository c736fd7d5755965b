"""E-mail addresses and mobile numbers of the demo residents, and who has none.

About one adult in six has neither, many more among the oldest: the residents
the municipality must still reach on paper. Children rarely have one; some
teenagers have a phone of their own.

E-mail addresses use the reserved domains ``example.org``, ``example.net`` and
``example.com`` (RFC 2606), so no demo message can reach a real mailbox. The
mobile numbers are valid Belgian numbers (+32 47x/48x/49x) drawn at random: a
demo must never hand them to a real SMS gateway.
"""

import random
import unicodedata

from townhall.demo.population import PlannedPerson

EMAIL_DOMAINS = [("example.org", 5), ("example.net", 3), ("example.com", 2)]

# (youngest age, share with neither, with e-mail only, with mobile only, with both)
_CONTACT_BY_AGE = [
    (0, 1.0, 0.0, 0.0, 0.0),
    (12, 0.6, 0.04, 0.3, 0.06),
    (18, 0.11, 0.2, 0.17, 0.52),
    (75, 0.38, 0.12, 0.3, 0.2),
    (85, 0.62, 0.05, 0.25, 0.08),
]


def _ascii_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


class ContactDetails:
    """Hands out e-mail addresses and mobile numbers, each to one person only."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._emails: set[str] = set()
        self._mobiles: set[str] = set()

    def assign(self, person: PlannedPerson) -> None:
        """Give ``person`` an e-mail address, a mobile number, both or neither, by age."""
        shares = next(row for row in reversed(_CONTACT_BY_AGE) if person.age >= row[0])
        kind = self._rng.choices(["none", "email", "mobile", "both"], shares[1:])[0]
        if kind in ("email", "both"):
            person.email = self.email(person.given_names, person.family_name)
        if kind in ("mobile", "both"):
            person.mobile = self.mobile()

    def email(self, given_names: str, family_name: str) -> str:
        """``firstname.familyname`` at a reserved domain, with digits when taken."""
        domains, weights = zip(*EMAIL_DOMAINS, strict=True)
        local = f"{_ascii_word(given_names.split()[0])}.{_ascii_word(family_name)}"
        candidate = local if self._rng.random() < 0.6 else f"{local}{self._rng.randint(1, 99)}"
        while True:
            address = f"{candidate}@{self._rng.choices(domains, weights)[0]}"
            if address not in self._emails:
                self._emails.add(address)
                return address
            candidate = f"{local}{self._rng.randint(1, 999)}"

    def mobile(self) -> str:
        """A Belgian mobile number in E.164: +32 4, then 7, 8 or 9, then seven digits."""
        while True:
            number = f"+324{self._rng.choice('789')}{self._rng.randint(0, 9_999_999):07d}"
            if number not in self._mobiles:
                self._mobiles.add(number)
                return number
