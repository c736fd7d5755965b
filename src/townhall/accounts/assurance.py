"""Assurance levels of a sign-in, and the guard that pages use to demand one.

eID and itsme (through FAS or ACM/IDM) give *high*; an e-mail account gives
*low*. The level belongs to the sign-in (the session), not to the account: the
same person can sign in with e-mail today and with eID tomorrow.
"""

from enum import IntEnum
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "townhall_assurance"


class Assurance(IntEnum):
    NONE = 0
    LOW = 1
    SUBSTANTIAL = 2
    HIGH = 3

    @classmethod
    def parse(cls, value) -> "Assurance":
        try:
            return cls[str(value).upper()]
        except KeyError:
            return cls.NONE


def session_assurance(request) -> Assurance:
    if not request.user.is_authenticated:
        return Assurance.NONE
    return Assurance.parse(request.session.get(SESSION_KEY))


def set_session_assurance(request, level: Assurance) -> None:
    request.session[SESSION_KEY] = level.name.lower()


def assurance_required(level: Assurance):
    """Page decorator: residents below ``level`` are sent to a sign-in that gives it,
    with an explanation and a way back to this page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if session_assurance(request) >= level:
                return view(request, *args, **kwargs)
            query = urlencode({"next": request.get_full_path(), "level": level.name.lower()})
            return redirect(f"{reverse('accounts:sign_in')}?{query}")

        wrapped.required_assurance = level
        return wrapped

    return decorator
