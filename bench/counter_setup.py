"""The data steps of ``bench/counter.py``, run inside the checkout being measured.

    PYTHONPATH=<checkout>/src python bench/counter_setup.py submissions --count 100000
    PYTHONPATH=<checkout>/src python bench/counter_setup.py form
    PYTHONPATH=<checkout>/src python bench/counter_setup.py drafts --count 30000 --out keys.txt

Like ``bench/pages_setup.py``, ``bench/counter.py`` runs it as a subprocess with
the checkout's Python path and the environment of its database and keys.

``submissions`` stores ``--count`` submissions of the demo's forms as the
online counter keeps them (answers encrypted with the run's keys, references
per year, a subject person for the signed-in ones, a tracking code's hash for
the anonymous ones), spread over the last two years, and sets the reference
counters after them, so a new submit continues the numbering.

``form`` publishes the form ``bench-tien-velden``: one step of ten fields,
each prefilled from the register (given and family names, birth date, sex,
nationality, language, domicile, e-mail, mobile), and a check step.

``drafts`` makes ``--count`` anonymous visitors, each with a session and a
complete draft of the illegal-dumping report, ready to hand in, and writes
their session keys, one per line, to ``--out``: every submit the bench sends
hands in another visitor's draft.
"""

import argparse
import datetime
import json
import random
import secrets
import sys

BENCH_FORM = "bench-tien-velden"
DUMPING = "sluikstort-melden"
PARKING = "bewonerskaart-parkeren"
PREFILLED = [
    ("given_names", "text", "persoon:gebruikteVoornaam"),
    ("family_name", "text", "foaf:familyName"),
    ("birth_date", "date", "persoon:heeftGeboorte"),
    ("sex", "text", "persoon:geslacht"),
    ("nationality", "text", "persoon:heeftNationaliteit"),
    ("language", "text", "schema:knowsLanguage"),
    ("domicile", "address", "persoon:verblijfsadres"),
    ("email", "email", "schema:email"),
    ("mobile", "phone", "schema:telephone"),
    ("given_name", "text", "foaf:givenName"),
]
BATCH = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    stored = commands.add_parser("submissions")
    stored.add_argument("--count", type=int, required=True)
    commands.add_parser("form")
    drafts = commands.add_parser("drafts")
    drafts.add_argument("--count", type=int, required=True)
    drafts.add_argument("--out", required=True)
    options = parser.parse_args()

    import django

    django.setup()
    if options.command == "submissions":
        print(json.dumps(submissions_store(options.count)))
    elif options.command == "form":
        print(json.dumps(bench_form()))
    else:
        print(json.dumps(drafts_make(options.count, options.out)))


def _text(nl: str) -> dict:
    return {"nl": nl, "fr": nl, "en": nl}


def bench_form() -> dict:
    from townhall.eforms.models import FormDefinition
    from townhall.eforms.services import (
        form_definition_create,
        form_version_create,
        form_version_publish,
    )

    existing = FormDefinition.objects.filter(slug=BENCH_FORM).first()
    if existing is not None:
        return {"form": BENCH_FORM}
    content = {
        "title": _text("Tien gekende gegevens"),
        "steps": [
            {
                "key": "details",
                "title": _text("Uw gegevens"),
                "fields": [
                    {"key": key, "type": kind, "label": _text(key), "prefill": name}
                    for key, kind, name in PREFILLED
                ],
            },
            {"key": "check", "title": _text("Nakijken"), "check": True, "fields": []},
        ],
    }
    form = form_definition_create(slug=BENCH_FORM, title="Tien gekende gegevens")
    form_version_publish(version=form_version_create(form=form, content=content))
    return {"form": BENCH_FORM}


def submissions_store(count: int) -> dict:
    from django.db.models import Max
    from django.utils import timezone

    from townhall.eforms.models import FormVersion, ReferenceCounter, Submission
    from townhall.eforms.submissions import tracking_code_hash, tracking_code_new
    from townhall.municipality.selectors import municipality_get_active
    from townhall.registry.models import Person

    prefix = municipality_get_active().reference_prefix
    parking = FormVersion.objects.filter(form__slug=PARKING, published=True).latest("number")
    dumping = FormVersion.objects.filter(form__slug=DUMPING, published=True).latest("number")
    last_person = Person.objects.aggregate(last=Max("pk"))["last"]
    now = timezone.now()
    rng = random.Random(36007)
    moments = sorted(
        now - datetime.timedelta(seconds=rng.randrange(2 * 365 * 86400)) for _ in range(count)
    )
    numbers: dict[int, int] = {}
    batch = []
    for moment in moments:
        year = moment.year
        numbers[year] = numbers.get(year, 0) + 1
        anonymous = rng.random() < 0.3
        submission = Submission(
            reference=f"{prefix}-{year}-{numbers[year]:06d}",
            version=dumping if anonymous else parking,
            subject_person_id=None if anonymous else rng.randint(1, last_person),
            tracking_code_hash=tracking_code_hash(tracking_code_new()) if anonymous else "",
            language="nl",
            submitted_at=moment,
        )
        if anonymous:
            answers = {"location": "Kerkstraat 40", "description": "Een matras langs de weg"}
        else:
            answers = {"number_plate": f"1-ABC-{rng.randrange(1000):03d}", "is_owner": True}
        submission.set_answers({"values": answers, "known": {}})
        batch.append(submission)
        if len(batch) == BATCH:
            Submission.objects.bulk_create(batch)
            batch = []
    Submission.objects.bulk_create(batch)
    # Persons may be missing in a register with gaps in its ids: those rows keep none.
    Submission.objects.exclude(subject_person=None).exclude(
        subject_person__in=Person.objects.all()
    ).update(subject_person=None)
    for year, last in numbers.items():
        ReferenceCounter.objects.update_or_create(prefix=prefix, year=year, defaults={"last": last})
    return {"submissions": Submission.objects.count()}


def drafts_make(count: int, out: str) -> dict:
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from townhall.eforms.models import Draft, FormVersion

    version = FormVersion.objects.filter(form__slug=DUMPING, published=True).latest("number")
    steps = [step["key"] for step in version.parsed.steps if not step.get("check")]
    expires = timezone.now() + datetime.timedelta(days=1)
    encoded = SessionStore().encode({})
    keys = [secrets.token_hex(16) for _ in range(count)]
    for start in range(0, count, BATCH):
        chunk = keys[start : start + BATCH]
        Session.objects.bulk_create(
            [Session(session_key=k, session_data=encoded, expire_date=expires) for k in chunk]
        )
        Draft.objects.bulk_create(
            [
                Draft(
                    version=version,
                    session_key=key,
                    data={
                        "location": "Stationsstraat 12",
                        "description": "Drie zakken afval naast de glasbol",
                        "wants_contact": False,
                    },
                    steps_done=steps,
                )
                for key in chunk
            ]
        )
    with open(out, "w") as file:
        file.write("\n".join(keys) + "\n")
    return {"drafts": count}


if __name__ == "__main__":
    sys.exit(main())
