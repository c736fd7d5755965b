"""E-mail through Django's e-mail backends (SMTP by default, a provider through django-anymail).

1. The message gets a stable ``Message-ID`` made from its own id, so a copy
   that an interrupted worker sends again can be recognised downstream.
2. Anything that is not a personal service message (a topic that needs
   consent) carries ``List-Unsubscribe`` with a one-click link (RFC 8058); a
   message whose secret source makes its own link (a news subscription's)
   carries that one.
3. SMTP answers are sorted: a 5xx refusal of the recipient is a bounce
   (permanent), 4xx and a server that is down or hangs up are temporary.
4. A text with a secret value (a sign-in link) gets it only here, in the copy
   that goes out (:mod:`townhall.messaging.secret_values`).
5. ``deliver_many`` keeps one connection open for a chunk of a broadcast and
   reports each message as soon as the server accepted it.
"""

import binascii
import smtplib
import socket
from collections.abc import Callable
from email.header import Header
from email.utils import formatdate

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from townhall.messaging.channels import DeliveryChannel, Handover, register
from townhall.messaging.errors import AddressRefused, PermanentFailure, TemporaryFailure
from townhall.messaging.models import Message
from townhall.messaging.secret_values import secret_text, secret_unsubscribe_url
from townhall.messaging.unsubscribe import unsubscribe_url
from townhall.registry.preferences import CONSENT_TOPICS


def message_id_for(message: Message) -> str:
    return f"<{message.uuid}@{settings.TOWNHALL_MESSAGE_ID_DOMAIN}>"


def _headers(message: Message) -> dict[str, str]:
    try:
        validate_email(message.address)
    except ValidationError:
        raise PermanentFailure(_("The e-mail address is not valid.")) from None
    headers = {
        "Message-ID": message_id_for(message),
        "Content-Language": message.language,
        "Auto-Submitted": "auto-generated",
        "X-Townhall-Reference": message.reference,
    }
    own_link = secret_unsubscribe_url(message)
    if own_link or message.topic in CONSENT_TOPICS:
        headers["List-Unsubscribe"] = f"<{own_link or unsubscribe_url(message)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def email_build(message: Message, connection=None) -> mail.EmailMessage:
    headers = _headers(message)
    subject, body = secret_text(message)
    return mail.EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers=headers,
        connection=connection,
    )


def smtp_bytes(message: Message, headers: dict[str, str]) -> bytes:
    """The message as it goes over SMTP, built directly: the e-mail package's header
    folding costs more than the SMTP exchange itself when a broadcast goes out."""
    subject = message.subject
    if not subject.isascii() or len(subject) > 70:
        subject = Header(subject, "utf-8", maxlinelen=76).encode()
    lines = [
        f"From: {settings.DEFAULT_FROM_EMAIL}",
        f"To: {message.address}",
        f"Subject: {subject}",
        f"Date: {formatdate(localtime=True)}",
        *(f"{name}: {value}" for name, value in headers.items()),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
    ]
    body = binascii.b2a_qp(message.body.encode("utf-8"), istext=True)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body.replace(b"\n", b"\r\n")


def _failure(error: Exception) -> Exception:
    """Sort an SMTP or network error into a temporary or permanent failure."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()))
        reason = _("The mail server refused the address (%(code)s %(answer)s).") % {
            "code": code,
            "answer": answer.decode("utf-8", "replace")[:200],
        }
        return AddressRefused(reason) if code >= 500 else TemporaryFailure(reason)
    if isinstance(error, smtplib.SMTPResponseException):
        reason = _("The mail server answered %(code)s %(answer)s.") % {
            "code": error.smtp_code,
            "answer": str(error.smtp_error, "utf-8", "replace")[:200]
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)[:200],
        }
        return PermanentFailure(reason) if error.smtp_code >= 500 else TemporaryFailure(reason)
    if isinstance(error, smtplib.SMTPException | OSError | socket.timeout):
        return TemporaryFailure(
            _("The mail server could not be reached (%(error)s).") % {"error": error}
        )
    return error


def _provider_reference(email: mail.EmailMessage, message: Message) -> tuple[str, str]:
    status = getattr(email, "anymail_status", None)
    if status is not None and status.message_id is not None:
        return "anymail", str(status.message_id)
    return "smtp", message_id_for(message)


@register("email")
class EmailChannel(DeliveryChannel):
    def deliver(self, message: Message) -> Handover:
        email = email_build(message)
        try:
            email.send(fail_silently=False)
        except Exception as error:
            raise _failure(error) from error
        provider, reference = _provider_reference(email, message)
        return Handover(provider=provider, reference=reference)

    def deliver_many(
        self, messages: list[Message], on_result: Callable[[Message, Handover | Exception], None]
    ) -> None:
        connection = mail.get_connection(fail_silently=False)
        direct = isinstance(connection, SmtpBackend)
        opened = False
        try:
            for index, message in enumerate(messages):
                try:
                    if not opened:
                        connection.open()
                        opened = True
                    if direct and message.address.isascii() and not message.secret_source:
                        email = None
                        connection.connection.sendmail(
                            settings.DEFAULT_FROM_EMAIL,
                            [message.address],
                            smtp_bytes(message, _headers(message)),
                        )
                    else:
                        email = email_build(message, connection)
                        email.send(fail_silently=False)
                except PermanentFailure as failure:
                    on_result(message, failure)
                    continue
                except Exception as error:
                    failure = _failure(error)
                    on_result(message, failure)
                    if isinstance(failure, TemporaryFailure) and not isinstance(
                        error, smtplib.SMTPRecipientsRefused
                    ):
                        # The server is gone: the rest of the chunk waits for the retry too.
                        for rest in messages[index + 1 :]:
                            on_result(rest, failure)
                        return
                    continue
                if email is None:
                    provider, reference = "smtp", message_id_for(message)
                else:
                    provider, reference = _provider_reference(email, message)
                on_result(message, Handover(provider=provider, reference=reference))
        finally:
            if opened:
                # Every message is accounted for already; a failed QUIT changes nothing.
                connection.fail_silently = True
                connection.close()
