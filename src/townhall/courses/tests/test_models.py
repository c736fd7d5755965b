"""A course's texts per language, and who on the staff may manage courses."""

from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import department, staff_user
from townhall.courses.tests.conftest import course_made, session_made


def test_a_course_reads_in_the_language_asked_and_falls_back_to_dutch(db):
    course = course_made(title_en="")

    assert course.localized("title", "fr") == "Utiliser votre eID et son lecteur"
    assert course.localized("title", "en") == "Werken met uw eID en kaartlezer"
    assert course.localized("description", "nl") == course.description


def test_a_session_says_how_many_places_are_left(db):
    session = session_made(capacity=3)

    assert session.places_left == 3


def test_the_library_staff_manage_courses_and_registrations(db):
    department("leisure_library")
    librarian = staff_user("evelien", department_code="leisure_library")
    staff_role_assign(user=librarian)
    clerk = staff_user("katrien", department_code="citizens_affairs")
    staff_role_assign(user=clerk)

    for permission in (
        "courses.view_course",
        "courses.change_session",
        "courses.add_registration",
        "courses.change_registration",
    ):
        assert librarian.has_perm(permission)
        assert not clerk.has_perm(permission)
