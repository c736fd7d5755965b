"""A correction granted in a case is one version of the person in the register's history,
by the clerk who granted it, with the case's reference as its reason."""

from townhall.cases.tests.test_corrections import (
    _grant,
    _typed_case,
    katrien,  # noqa: F401 - fixture
)


def test_a_granted_correction_is_one_version_naming_the_case(
    resident,
    katrien,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    case = _typed_case(resident, "email", "an@example.org")
    before = resident.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _grant(katrien, case, item="email", corrected="an.claeys@example.org")
    assert response.status_code == 302
    case.refresh_from_db()
    assert resident.history.count() == before + 1
    version = resident.history.latest()
    assert (version.history_type, version.email) == ("~", "an.claeys@example.org")
    assert version.history_user == katrien.user
    assert version.history_change_reason == f"correction case {case.reference}"
    assert version.prev_record.email == "an@example.org"
