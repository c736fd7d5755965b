"""The base of every admin whose pages show persons: it cannot be used without saying whom."""

import pytest

from townhall.registry.admin.purposes import PurposeAskedAdmin


def test_an_admin_that_does_not_say_whom_it_shows_is_refused_when_it_is_made():
    with pytest.raises(TypeError, match="must define persons_shown"):

        class Silent(PurposeAskedAdmin):
            pass


def test_an_admin_inherits_whom_its_parent_shows():
    class Shows(PurposeAskedAdmin):
        def persons_shown(self, request, obj):
            return [obj]

    class Child(Shows):
        pass

    assert Child.persons_shown is Shows.persons_shown
