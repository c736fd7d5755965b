"""A few staff reads of residents' records, so "who looked at my data" has something to show.

Searches are among them: a search writes a row for every person it showed, so
a resident reads "searched the register for a name or a street; you were one of 4".

Entries are dated in the weeks before the reference date, on working days
during office hours, each with the purpose the staff member gave.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from townhall.accounts.models import User
from townhall.demo.timeline import REFERENCE_DATE
from townhall.registry.models import AccessLogEntry, Person

Action = AccessLogEntry.Action

# (username, action, purpose); a search also says what kind of term and how many it showed.
SEARCHES = {
    "Vraag aan het loket: wie woont er in deze straat?": (
        AccessLogEntry.SearchKind.NAME_OR_STREET,
        4,
    ),
    "Antwoord op een e-mail van een inwoner": (AccessLogEntry.SearchKind.EMAIL, 1),
}
READS = [
    ("burgerzaken", Action.VIEW, "Attest van gezinssamenstelling aangevraagd aan het loket"),
    ("burgerzaken", Action.VIEW, "Adreswijziging: controle van de nieuwe woonst"),
    ("burgerzaken", Action.REVEAL_NUMBER, "Aanvraag nieuwe identiteitskaart"),
    ("burgerzaken", Action.LOOKUP, "Vraag van de politie over een woonstcontrole"),
    ("burgerzaken", Action.VIEW, "Huwelijksdossier: samenstelling van het dossier"),
    ("burgerzaken", Action.REVEAL_NUMBER, "Aanvraag rijbewijs"),
    ("burgerzaken", Action.EXPORT, "Uittreksel uit het bevolkingsregister op vraag van de burger"),
    ("vrijetijd", Action.VIEW, "Controle van de bestuurders van een vereniging (subsidie)"),
    ("communicatie", Action.VIEW, "Uitnodiging voor de nieuwjaarsreceptie van de jubilarissen"),
    ("financien", Action.VIEW, "Controle van het adres voor een terugbetaling"),
    ("secretariaat", Action.VIEW, "Behandeling van een klacht"),
    ("burgerzaken", Action.SEARCH, "Vraag aan het loket: wie woont er in deze straat?"),
    ("communicatie", Action.SEARCH, "Antwoord op een e-mail van een inwoner"),
]
_BRUSSELS = ZoneInfo("Europe/Brussels")


def access_log_create(
    *, rng: random.Random, persons: list[Person], users: dict[str, User], count: int
) -> int:
    """Write ``count`` staff reads of adult residents (a search writes one entry per person
    it showed); return how many entries."""
    adults = [
        person
        for person in persons
        if person.state == Person.State.RESIDENT
        and person.birth_date.year <= REFERENCE_DATE.year - 18
    ]
    # Some residents were looked up more than once, so their log reads like a story.
    subjects = rng.sample(adults, min(len(adults), max(1, count // 2)))
    # Every kind of read once, then more of them at random.
    reads = READS[:count] + [rng.choice(READS) for _ in range(count - len(READS))]
    entries = []
    for index, (username, action, purpose) in enumerate(reads):
        actor = users[username]
        kind, shown = SEARCHES.get(purpose, ("", 1)) if action == Action.SEARCH else ("", 1)
        # A search is in the log of every person it showed, each told how many there were.
        found = {subjects[(index + k) % len(subjects)] for k in range(shown)}
        entries.extend(
            AccessLogEntry(
                person=person,
                actor=actor,
                actor_name=actor.get_full_name(),
                actor_department=actor.department.name if actor.department else "",
                action=action,
                purpose=purpose,
                search_kind=kind,
                result_count=len(found) if action == Action.SEARCH else None,
            )
            for person in sorted(found, key=lambda person: person.pk)
        )
    AccessLogEntry.objects.bulk_create(entries)
    # ``at`` is set to now on insert; put the reads back where they belong in time.
    for entry in entries:
        entry.at = _office_hour(rng)
    AccessLogEntry.objects.bulk_update(entries, ["at"])
    return len(entries)


def _office_hour(rng: random.Random) -> datetime.datetime:
    while True:
        day = REFERENCE_DATE - datetime.timedelta(days=rng.randint(1, 60))
        if day.weekday() < 5:
            break
    moment = datetime.time(rng.randint(9, 16), rng.choice([0, 10, 20, 30, 40, 50]))
    return datetime.datetime.combine(day, moment, tzinfo=_BRUSSELS)
