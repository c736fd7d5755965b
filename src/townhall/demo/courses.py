"""The demo's computer courses in the library: "Using your eID" and four others, with
sessions in the coming weeks and their participants, registered online, at the
desk and by phone through the courses services (so the places, the waiting list
and the messages are as real ones are).

The first session of "Using your eID" is full with three people on its waiting
list: a cancellation there offers the place to the first of them. Its second
session has places left, for the librarian (``vrijetijd``) to register someone at
the desk. Times count from now, like the news (:mod:`townhall.demo.news`).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from townhall.accounts.models import User
from townhall.courses import services
from townhall.courses.models import Course, Registration, Session
from townhall.registry.models import Person

PLACE = "Bibliotheek, computerlokaal (gelijkvloers)"
Channel = Registration.Channel

COURSES = [
    {
        "code": "eid-en-kaartlezer",
        "title": "Werken met uw eID en kaartlezer",
        "title_fr": "Utiliser votre carte eID et son lecteur",
        "title_en": "Using your eID and card reader",
        "description": (
            "U leert uw identiteitskaart gebruiken op de computer: de kaartlezer "
            "aansluiten, inloggen bij de overheid en uw pincode veilig bewaren."
        ),
        "description_fr": (
            "Vous apprenez à utiliser votre carte d'identité sur l'ordinateur : brancher "
            "le lecteur, vous connecter aux services publics et garder votre code PIN."
        ),
        "description_en": (
            "You learn to use your identity card on the computer: connect the card "
            "reader, sign in to public services and keep your PIN code safe."
        ),
        "level": Course.Level.BEGINNER,
        "prerequisites": "U kunt een muis gebruiken.",
        "what_to_bring": "Uw identiteitskaart en de pincode ervan. Kaartlezers zijn er.",
        "accessibility": "Gelijkvloers, toegankelijk met een rolstoel. Ringleiding aanwezig.",
    },
    {
        "code": "tablet-starten",
        "title": "Aan de slag met een tablet",
        "title_fr": "Premiers pas avec une tablette",
        "title_en": "Getting started with a tablet",
        "description": (
            "Uw tablet aanzetten, apps openen, foto's bekijken en met wifi verbinden, "
            "in uw eigen tempo."
        ),
        "level": Course.Level.BEGINNER,
        "what_to_bring": "Uw eigen tablet, opgeladen. Geen tablet? Zeg het ons, we lenen er een.",
        "accessibility": "Gelijkvloers, toegankelijk met een rolstoel.",
    },
    {
        "code": "veilig-bankieren",
        "title": "Veilig online bankieren",
        "title_fr": "Faire ses opérations bancaires en ligne en toute sécurité",
        "title_en": "Safe online banking",
        "description": (
            "Overschrijvingen doen met de app van uw bank, en valse berichten en "
            "oplichters herkennen."
        ),
        "level": Course.Level.INTERMEDIATE,
        "prerequisites": "U kunt een smartphone, tablet of computer gebruiken.",
        "fee": Decimal("5.00"),
        "what_to_bring": "Uw smartphone of tablet met de app van uw bank.",
        "accessibility": "Gelijkvloers, toegankelijk met een rolstoel.",
    },
    {
        "code": "email-en-videobellen",
        "title": "E-mail en videobellen",
        "title_fr": "E-mail et appels vidéo",
        "title_en": "E-mail and video calls",
        "description": (
            "Een e-mail schrijven en beantwoorden, een foto meesturen, en videobellen "
            "met uw familie."
        ),
        "level": Course.Level.BEGINNER,
        "what_to_bring": "Uw smartphone, tablet of laptop, en uw e-mailadres als u er een hebt.",
        "accessibility": "Gelijkvloers, toegankelijk met een rolstoel.",
    },
]

# (course code, days from today, hour, capacity, minimum, trainer, participants, waiting)
SESSIONS = [
    ("eid-en-kaartlezer", 6, 14, 12, 4, "Annemie Vandewalle (vrijwilliger)", 12, 3),
    ("eid-en-kaartlezer", 20, 14, 12, 4, "Annemie Vandewalle (vrijwilliger)", 5, 0),
    ("tablet-starten", 9, 10, 8, 3, "Luc Debaene (bibliotheek)", 3, 0),
    ("veilig-bankieren", 13, 14, 10, 4, "Luc Debaene (bibliotheek)", 2, 0),
    ("email-en-videobellen", 16, 10, 10, 3, "Annemie Vandewalle (vrijwilliger)", 0, 0),
]
# Someone not in the register, who phoned the library.
BY_PHONE = {"given_names": "Godelieve", "family_name": "Vercruysse", "phone": "0478 12 34 90"}


def _day_at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def demo_courses_create() -> int:
    """The demo's courses, sessions and registrations; how many registrations."""
    librarian = User.objects.filter(username="vrijetijd").first()
    courses = {data["code"]: Course.objects.create(**data) for data in COURSES}
    adults = Person.objects.filter(
        state=Person.State.RESIDENT,
        birth_date__lte=timezone.localdate() - datetime.timedelta(days=365 * 50),
    ).order_by("pk")
    people = iter(adults)
    made = 0
    channels = [Channel.ONLINE, Channel.DESK, Channel.PHONE]
    for number, (code, days, hour, capacity, minimum, trainer, count, waiting) in enumerate(
        SESSIONS
    ):
        starts = _day_at(days, hour)
        session = Session.objects.create(
            course=courses[code],
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place=PLACE,
            trainer=trainer,
            capacity=capacity,
            minimum_participants=minimum,
        )
        for n in range(count + waiting):
            channel = channels[(n + number) % len(channels)]
            staff = librarian if channel != Channel.ONLINE else None
            if number == 0 and n == 2:  # the one who phoned, not in the register
                fields = dict(BY_PHONE)
            else:
                person = next(people, None)
                if person is None:
                    return made
                fields = {"person": person}
            services.registration_register(
                session=session,
                channel=channel,
                registered_by=staff,
                waiting_list=n >= count,
                **fields,
            )
            made += 1
    return made
