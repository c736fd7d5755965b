"""The demo's walk: the association known only by its vCode, refreshed from the fake register.

The fake is served two ways: by the demo's own Django at /demo/verenigingsregister/
(what ``make demo`` uses), and on a local port, as the connector's tests serve it.
"""

import json

import pytest
from django.core.management import call_command

from townhall.conf import DEMO_VERENIGINGSREGISTER_API_KEY
from townhall.demo.association_register import (
    PROVISIONAL_NAME,
    SUBSIDY_CATEGORY,
    VCODE_ONLY,
    DemoRegister,
)
from townhall.demo.fake_verenigingsregister import FakeVerenigingsregister
from townhall.demo.services import demo_seed
from townhall.registry.models import Organisation

pytestmark = pytest.mark.django_db
PREFIX = "/demo/verenigingsregister"


def test_the_demo_serves_the_fake_register(client):
    key = {"vr-api-key": DEMO_VERENIGINGSREGISTER_API_KEY}
    answer = client.get(f"{PREFIX}/v1/verenigingen/{VCODE_ONLY}", headers=key)
    assert answer.status_code == 200
    assert answer.json()["vereniging"]["naam"] == "Jeugdhuis De Vlasschuur"
    assert client.get(f"{PREFIX}/v1/verenigingen/{VCODE_ONLY}").status_code == 401
    assert client.get(f"{PREFIX}/v1/verenigingen/V0000001", headers=key).status_code == 404
    feed = client.get(f"{PREFIX}/v1/verenigingen/detail/all", headers=key)
    assert [json.loads(line)["vereniging"]["vCode"] for line in feed.content.splitlines()] == [
        VCODE_ONLY
    ]
    assert client.post(f"{PREFIX}/v1/verenigingen/{VCODE_ONLY}", headers=key).status_code == 405


def test_the_walk_refreshes_the_vcode_only_association_and_changes_no_other(settings, capsys):
    demo_seed(seed=8770, scale=0.02)
    association = Organisation.objects.get(vcode=VCODE_ONLY)
    assert association.name == PROVISIONAL_NAME
    # What the demo's Django would answer, read here and served on a local port.
    fake = FakeVerenigingsregister(dict(DemoRegister()))
    with fake.serve() as url:
        settings.TOWNHALL_VERENIGINGSREGISTER = {
            **settings.TOWNHALL_VERENIGINGSREGISTER,
            "URL": url,
        }
        call_command("refresh_associations", VCODE_ONLY)
        association.refresh_from_db()
        assert (association.name, association.subsidy_category) == (
            "Jeugdhuis De Vlasschuur",
            SUBSIDY_CATEGORY,
        )
        assert [str(a) for a in association.addresses.all()] == [
            "Stationsstraat 41, 8770 Ingelmunster"
        ]
        assert sorted(association.association_activities.values_list("code", flat=True)) == [
            "JEUG",
            "MUZI",
        ]
        capsys.readouterr()
        call_command("refresh_associations", "--all")
    out = capsys.readouterr().out
    assert "0 refreshed" in out
    assert "0 failed" in out
