"""Whole form flows fuzzed: any order of steps, by URL, with hostile or forged values,
then handing in. Never a server error, and a submission only from a complete draft.

A hypothesis state machine plays a visitor of the anonymous illegal-dumping report
and a resident of the parking card: it opens and posts steps in any order (a step
skipped by URL included), with hostile values, forged fields of other steps and
forged hidden values, and presses "submit" at any moment. After every action:
no 500, the page is one of the expected answers, and a submission exists only if
the draft it came from answered every step the rules ask.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from townhall.eforms.models import Submission
from townhall.eforms.tests.test_step_view import DUMPING, PARKING, media  # noqa: F401

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "x" * 20_000,  # a 1 MB value per field type: test_fields.py
            "a\x00b",
            "\ufffd\u202e",
            "9" * 400,
            "yes",
            "no",
            "true",
            "1",
            "",
            "Kerkstraat 40",
            "0470 12 34 56",
            "an@example.org",
        ]
    ),
    st.text(max_size=20),
)
DUMPING_FIELDS = ["location", "description", "wants_contact", "contact_email", "contact_phone"]
PARKING_FIELDS = ["number_plate", "is_owner", "given_name", "family_name", "email", "address"]
FORGED = ["steps_done", "data", "version", "user", "reference", "csrfmiddlewaretoken"]


class Flows(RuleBasedStateMachine):
    def __init__(self, clients):
        super().__init__()
        self.visitor, self.resident = clients

    def _check(self, response, url):
        assert response.status_code in (200, 302, 400, 403, 404, 410, 413), (
            url,
            response.status_code,
        )

    @rule(
        who=st.sampled_from(["visitor", "resident"]),
        step=st.integers(min_value=0, max_value=5),
        values=st.dictionaries(
            st.sampled_from(DUMPING_FIELDS + PARKING_FIELDS + FORGED), HOSTILE, max_size=5
        ),
        later=st.booleans(),
    )
    def post_a_step(self, who, step, values, later):
        client = getattr(self, who)
        url = (DUMPING if who == "visitor" else PARKING).format(step)
        body = {**values, **({"later": "1"} if later and who == "resident" else {})}
        self._check(client.post(url, body), url)

    @rule(who=st.sampled_from(["visitor", "resident"]), step=st.integers(min_value=0, max_value=5))
    def open_a_step(self, who, step):
        client = getattr(self, who)
        url = (DUMPING if who == "visitor" else PARKING).format(step)
        self._check(client.get(url), url)

    @rule()
    def answer_the_report_well(self):
        self.visitor.post(DUMPING.format(1), {"location": "Markt 1", "description": "Zakken"})
        self.visitor.post(DUMPING.format(2), {"wants_contact": "no"})

    @rule()
    def answer_the_parking_card_well(self):
        self.resident.post(PARKING.format(1), {})
        self.resident.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})

    @rule(who=st.sampled_from(["visitor", "resident"]))
    def hand_in(self, who):
        client = getattr(self, who)
        url = (DUMPING if who == "visitor" else PARKING).format(3)
        self._check(client.post(url, {}), url)

    @invariant()
    def every_submission_is_complete(self):
        for submission in Submission.objects.select_related("version__form"):
            values = submission.answers["values"]
            if submission.version.form.slug == "sluikstort-melden":
                assert values.get("location")
                assert values.get("description")
            else:
                assert values.get("number_plate")
                assert "is_owner" in values
                assert values["is_owner"] is True or values.get("contract")


@pytest.mark.django_db
def test_form_flows_in_any_order_never_fail(client, resident, forms):
    clients = (Client(), client)
    run_state_machine_as_test(
        lambda: Flows(clients),
        settings=settings(
            max_examples=4,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
