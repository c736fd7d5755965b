"""The demo municipality's profile: Ingelmunster (NIS 36007, 8770), its departments and hours.

Name, codes and the town hall's street are Ingelmunster's; nothing that could
reach someone is. E-mail addresses sit under the reserved ``.invalid`` domain,
and the telephone numbers are an obviously made-up +32 51 00 00 0x: pages link
them with ``tel:``, so a "(demo)" label cannot go in the field itself.
"""

import datetime

from townhall.languages import INTERFACE
from townhall.municipality.models import Department, Municipality, OpeningHours, Postcode

MUNICIPALITY_NAME = "Ingelmunster"
NIS_CODE = "36007"
POSTCODE = "8770"
MAIL_DOMAIN = "ingelmunster.demo.invalid"
DEMO_PHONE = "+32 51 00 00 0{}"

# (code, Dutch, French, English name, mailbox)
DEPARTMENTS = [
    (
        "citizens_affairs",
        "Burgerzaken",
        "Population et état civil",
        "Citizens' affairs",
        "burgerzaken",
    ),
    ("communication", "Communicatie", "Communication", "Communication", "communicatie"),
    (
        "leisure_library",
        "Vrije tijd en bibliotheek",
        "Loisirs et bibliothèque",
        "Leisure and library",
        "vrijetijd",
    ),
    (
        "environment",
        "Omgeving",
        "Environnement et urbanisme",
        "Environment and planning",
        "omgeving",
    ),
    ("finance", "Financiën", "Finances", "Finance", "financien"),
    ("secretariat", "Secretariaat", "Secrétariat", "Secretariat", "secretariaat"),
    ("ict", "ICT", "Informatique", "ICT", "ict"),
]

_TIME = datetime.time
# The general counter (department left empty): (weekday, opens, closes, by appointment)
COUNTER_HOURS = [
    *[(weekday, _TIME(9), _TIME(12), False) for weekday in range(5)],
    (OpeningHours.Weekday.MONDAY, _TIME(16), _TIME(19), True),
    (OpeningHours.Weekday.WEDNESDAY, _TIME(13, 30), _TIME(16), False),
]
# The library keeps its own hours, so residents see a department with different ones.
LIBRARY_HOURS = [
    (OpeningHours.Weekday.TUESDAY, _TIME(15), _TIME(19), False),
    (OpeningHours.Weekday.WEDNESDAY, _TIME(13, 30), _TIME(18), False),
    (OpeningHours.Weekday.FRIDAY, _TIME(15), _TIME(19), False),
    (OpeningHours.Weekday.SATURDAY, _TIME(9), _TIME(12, 30), False),
]


def municipality_create(*, enterprise_number: str) -> tuple[Municipality, dict[str, Department]]:
    """Create the active demo municipality with its postcode, departments and opening hours."""
    municipality = Municipality(
        name=MUNICIPALITY_NAME,
        name_fr=MUNICIPALITY_NAME,
        name_en=MUNICIPALITY_NAME,
        nis_code=NIS_CODE,
        is_active=True,
        street="Bruggestraat",
        house_number="1",
        postcode=POSTCODE,
        email=f"info@{MAIL_DOMAIN}",
        phone=DEMO_PHONE.format(0),
        website="https://ingelmunster.demo.invalid/",
        enterprise_number=enterprise_number,
        reference_prefix="ING",
        primary_colour="#1b4d3e",  # dark green: white text on it reaches about 9:1
        accent_colour="#f2c744",
        languages=list(INTERFACE),  # the demo offers every interface language
        # A made-up signatory: the demo's documents must not carry a real person's name.
        signatory_name="Demo Directeur",
        signatory_title="De algemeen directeur",
        signatory_title_fr="Le directeur général",
        signatory_title_en="The chief executive",
    )
    municipality.full_clean()
    municipality.save()
    Postcode.objects.create(municipality=municipality, code=POSTCODE, place_name=MUNICIPALITY_NAME)
    departments = {}
    for index, (code, name, name_fr, name_en, mailbox) in enumerate(DEPARTMENTS, start=1):
        departments[code] = Department.objects.create(
            municipality=municipality,
            code=code,
            name=name,
            name_fr=name_fr,
            name_en=name_en,
            email=f"{mailbox}@{MAIL_DOMAIN}",
            phone=DEMO_PHONE.format(index),
        )
    hours = [(None, row) for row in COUNTER_HOURS]
    hours += [(departments["leisure_library"], row) for row in LIBRARY_HOURS]
    OpeningHours.objects.bulk_create(
        OpeningHours(
            municipality=municipality,
            department=department,
            weekday=weekday,
            opens=opens,
            closes=closes,
            by_appointment=by_appointment,
        )
        for department, (weekday, opens, closes, by_appointment) in hours
    )
    return municipality, departments
