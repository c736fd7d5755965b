"""Demo cases: the shipped workflows for every online product, and a few weeks of
requests in the inboxes, so the back office and Mijn zaken have something to show.

Requests of residents of the register (every fifth adult with an e-mail address,
in register order: the same on every run of the same seed) for a resident
parking card (finance) and reports of illegal dumping (environment), handed in
over the last three weeks; some are still new, some wait for a document the
clerk asked for, some are decided. They are made through the case services, as
the counter and the staff's buttons make them, so the timelines, statuses and
messages are what a real case has.
"""

import datetime

from django.utils import timezone

from townhall.cases import services
from townhall.cases.models import Case
from townhall.eforms.fields import address_value
from townhall.eforms.models import FormDefinition, Submission
from townhall.eforms.submissions import reference_next
from townhall.languages import FALLBACK, INTERFACE
from townhall.municipality.selectors import municipality_get_active
from townhall.registry.models import Person

# (form slug, answers besides the applicant's, days ago, what staff did: button values with texts)
REQUESTS = [
    ("bewonerskaart-parkeren", {"number_plate": "1-GHK-381", "is_owner": "yes"}, 1, []),
    ("bewonerskaart-parkeren", {"number_plate": "2-ABT-904", "is_owner": "yes"}, 2, []),
    (
        "bewonerskaart-parkeren",
        {"number_plate": "1-TRX-552", "is_owner": "no"},
        4,
        [("ask", "Een kopie van het leasecontract of de verklaring van uw werkgever.")],
    ),
    ("bewonerskaart-parkeren", {"number_plate": "1-MPL-117", "is_owner": "yes"}, 7, []),
    (
        "bewonerskaart-parkeren",
        {"number_plate": "2-CDE-630", "is_owner": "yes"},
        12,
        [("granted", "U woont in de blauwe zone en de wagen staat op uw naam.")],
    ),
    (
        "bewonerskaart-parkeren",
        {"number_plate": "1-ZZB-078", "is_owner": "yes"},
        16,
        [("refused", "Uw adres ligt buiten de zone waarvoor een bewonerskaart bestaat.")],
    ),
    (
        "sluikstort-melden",
        {
            "location": "Kerkstraat, aan de glasbol",
            "description": "Drie vuilniszakken en een matras.",
            "wants_contact": "no",
        },
        1,
        [],
    ),
    (
        "sluikstort-melden",
        {
            "location": "Parking aan de sporthal",
            "description": "Bouwafval en oude tegels.",
            "wants_contact": "no",
        },
        6,
        [("cleared", "De technische dienst heeft het opgeruimd.")],
    ),
]


# Who handles them: the demo's staff of the product's department.
HANDLERS = {"bewonerskaart-parkeren": "financien", "sluikstort-melden": "omgeving"}


def demo_cases_create(*, users: dict) -> int:
    """Give every online product its workflow and hand in the demo requests; how many cases.
    ``users``: the demo staff by username."""
    services.workflows_ensure()
    prefix = municipality_get_active().reference_prefix
    applicants = list(
        Person.objects.exclude(email="").exclude(domicile=None).order_by("pk")[::5][: len(REQUESTS)]
    )
    forms = {f.slug: f for f in FormDefinition.objects.all()}
    made = 0
    for (slug, answers, days_ago, steps), person in zip(REQUESTS, applicants, strict=False):
        form = forms.get(slug)
        if form is None:
            continue
        version = form.versions.filter(published=True).order_by("-number").first()
        submitted = timezone.now() - datetime.timedelta(days=days_ago, hours=days_ago % 5)
        values = {
            **answers,
            "given_name": person.given_names.split()[0],
            "family_name": person.family_name,
            "email": person.email,
            "address": address_value(person.domicile),
        }
        submission = Submission(
            reference=reference_next(prefix=prefix, year=submitted.year),
            version=version,
            subject_person=person,
            language=person.language if person.language in INTERFACE else FALLBACK,
            submitted_at=submitted,
        )
        submission.set_answers({"values": values, "known": {}})
        submission.save()
        case = services.case_open_for_submission(submission_id=submission.pk)
        for value, text in steps:
            case = Case.objects.get(pk=case.pk)
            services.case_task_complete(
                case=case,
                version=case.version,
                task_id=case.task_id,
                value=value,
                text=text,
                actor=users.get(HANDLERS[slug]),
            )
        made += 1
    return made
