"""The Flemish association register (Verenigingsregister) as a source ("verenigingsregister").

1. The connector reads the register's public API, read only, at
   ``settings.TOWNHALL_VERENIGINGSREGISTER["URL"]`` with the key of
   ``TOWNHALL_VERENIGINGSREGISTER_API_KEY`` in the ``vr-api-key`` header. The key
   is never logged and never put in a URL.
2. :meth:`fetch_association` asks for one vCode's detail; :meth:`changes` reads
   the feed of all details (newline-delimited JSON), one association per line.
   :mod:`.verenigingsregister_format` turns the answers into
   :class:`AssociationDetail`.
3. Every way the register can fail becomes one :class:`AssociationRegisterError`
   with a message a person can act on: unreachable or too slow, a server error,
   a refused key, an answer that is not an association, or "not found".
4. As a prefill source it answers :meth:`fetch_registered_organisation` for an
   organisation with a vCode; it knows nothing of persons or enterprise numbers.

:mod:`townhall.registry.associations` writes what it reads into the register.
"""

from collections.abc import Iterator

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from townhall.registry.connectors.base import OrganisationRecord, PersonRecord, SourceConnector
from townhall.registry.connectors.registry import register
from townhall.registry.connectors.verenigingsregister_format import (
    AssociationDetail,
    RegisterAnswerInvalid,
    detail_parse,
    feed_line_parse,
)
from townhall.registry.identifiers import parse_vcode
from townhall.registry.models import Organisation
from townhall.registry.provenance import FieldGroup, Provenance, Source

NAME = "verenigingsregister"
KEY_HEADER = "vr-api-key"
KEY_SETTING = "TOWNHALL_VERENIGINGSREGISTER_API_KEY"


class AssociationRegisterError(Exception):
    """The association register did not give an association's detail; ``str()`` says why."""

    # True when every further request would fail the same way (no key, no connection).
    stops_run = False


class RegisterUnavailable(AssociationRegisterError):
    stops_run = True


class RegisterServerError(AssociationRegisterError):
    """The register answered 5xx (or another status it should not) for this request."""


class RegisterKeyRefused(AssociationRegisterError):
    stops_run = True


class AssociationNotInRegister(AssociationRegisterError):
    """The register does not know the vCode (any more): 404."""


class RegisterAnswerRefused(AssociationRegisterError):
    """The answer is not an association's detail (not JSON, wrong shape, other vCode)."""


def _settings() -> dict:
    return settings.TOWNHALL_VERENIGINGSREGISTER


@register(NAME)
class VerenigingsregisterConnector(SourceConnector):
    """Reads associations from the Flemish association register's public API."""

    label = gettext_lazy("association register")

    def fetch_person(self, national_number: str) -> PersonRecord | None:
        return None  # the public API holds no persons (representatives are not public)

    def fetch_organisation(self, enterprise_number: str) -> OrganisationRecord | None:
        return None  # looked up by vCode only (fetch_registered_organisation)

    def fetch_registered_organisation(
        self, organisation: Organisation
    ) -> OrganisationRecord | None:
        if not organisation.vcode:
            return None
        try:
            detail = self.fetch_association(organisation.vcode)
        except AssociationNotInRegister:
            return None
        provenance = Provenance(
            source=Source.ASSOCIATION_REGISTER,
            label=str(Source.ASSOCIATION_REGISTER.label),
            on=timezone.localdate(),
        )
        return OrganisationRecord(
            name=detail.name,
            vcode=detail.vcode,
            enterprise_number=organisation.enterprise_number or "",
            alternative_name=detail.short_name,
            status=detail.status or organisation.status,
            kind=Organisation.Kind.ASSOCIATION,
            registered_office=detail.primary_location.address if detail.locations else None,
            email=detail.contact("email"),
            phone=detail.contact("phone"),
            website=detail.contact("website"),
            provenance={
                FieldGroup.ORGANISATION: provenance,
                FieldGroup.ORGANISATION_CONTACT: provenance,
            },
        )

    # --- the API --------------------------------------------------------------
    def fetch_association(self, vcode: str) -> AssociationDetail:
        """The register's detail of ``vcode``; raises :class:`AssociationRegisterError`."""
        vcode = parse_vcode(vcode)
        response = self._get(f"/v1/verenigingen/{vcode}")
        try:
            document = response.json()
        except ValueError:
            raise RegisterAnswerRefused(
                _("The association register's answer about %(vcode)s is not JSON.")
                % {"vcode": vcode}
            ) from None
        try:
            return detail_parse(document, expected_vcode=vcode)
        except RegisterAnswerInvalid as error:
            raise RegisterAnswerRefused(str(error)) from None

    def changes(self) -> Iterator[AssociationDetail | RegisterAnswerRefused]:
        """Every association of the feed, in its order; a bad line is yielded as its error."""
        try:
            response = self._get("/v1/verenigingen/detail/all", stream=True)
        except AssociationNotInRegister:
            raise RegisterUnavailable(
                _("The association register has no feed at %(url)s.") % {"url": _settings()["URL"]}
            ) from None
        try:
            for number, line in enumerate(response.iter_lines(), start=1):
                if not line.strip():
                    continue
                try:
                    yield feed_line_parse(line)
                except RegisterAnswerInvalid as error:
                    yield RegisterAnswerRefused(
                        _("line %(line)s of the feed: %(reason)s")
                        % {"line": number, "reason": error}
                    )
        except requests.RequestException:
            raise RegisterUnavailable(
                _("The association register's feed broke off before its end.")
            ) from None
        finally:
            response.close()

    def _get(self, path: str, *, stream: bool = False) -> requests.Response:
        config = _settings()
        key = config.get("API_KEY") or ""
        if not key:
            raise RegisterKeyRefused(
                _("No key for the association register: set %(setting)s.")
                % {"setting": KEY_SETTING}
            )
        url = config["URL"].rstrip("/") + path
        try:
            response = requests.get(
                url,
                headers={KEY_HEADER: key, "Accept": "application/json"},
                timeout=tuple(config.get("TIMEOUT") or (3.05, 20.0)),
                allow_redirects=False,
                stream=stream,
            )
        except requests.Timeout:
            raise RegisterUnavailable(
                _("The association register did not answer in time.")
            ) from None
        except requests.RequestException:
            # from None: a requests error repeats the URL and its headers' names.
            raise RegisterUnavailable(
                _("Cannot connect to the association register at %(url)s.") % {"url": config["URL"]}
            ) from None
        if response.status_code == 200:
            return response
        response.close()
        status = response.status_code
        if status in (401, 403):
            raise RegisterKeyRefused(
                _("The association register refused the key (HTTP %(status)s): check %(setting)s.")
                % {"status": status, "setting": KEY_SETTING}
            )
        if status == 404:
            raise AssociationNotInRegister(
                _("The association register does not know this vCode (any more).")
            )
        raise RegisterServerError(
            _("The association register answered HTTP %(status)s.") % {"status": status}
        )
