"""Mastodon through its own API (Mastodon.py): ``@register("mastodon")``.

One ``POST /api/v1/statuses`` per post, with the account's access token, public
visibility, the post's language and an ``Idempotency-Key`` header: a retry after
an answer that never came (a time-out once the request went out) carries the
same key, and Mastodon answers with the status it made the first time instead
of posting it twice. Mastodon.py is built with ``version_check_mode="none"``
(no extra call to ask the server's version) and ``ratelimit_method="throw"``
(it would otherwise sleep in the worker until the limit resets): a 429 goes
back to the outbox with the server's ``Retry-After``, read from the answer
through a response hook on the session.
"""

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
)

from townhall.messaging.errors import PermanentFailure, TemporaryFailure
from townhall.messaging.social.channels import (
    Outgoing,
    Posted,
    RateLimited,
    SocialChannel,
    mastodon_length,
    register,
    retry_after_parse,
    text_composed,
)

MASTODON_LIMIT = 500  # characters, a URL counting as 23 (Mastodon's default)


@register("mastodon")
class MastodonChannel(SocialChannel):
    """A Mastodon account: the server's address and the account's access token."""

    label = "Mastodon"
    max_length = MASTODON_LIMIT

    def __init__(self, *, base_url: str, token: str, **base) -> None:
        super().__init__(**base)
        self.base_url = base_url.rstrip("/")
        self.token = token

    def length(self, composed: str) -> int:
        return mastodon_length(composed)

    def post(self, outgoing: Outgoing) -> Posted:
        answers: list[requests.Response] = []
        session = requests.Session()
        session.hooks["response"].append(lambda response, *args, **kwargs: answers.append(response))
        api = Mastodon(
            access_token=self.token,
            api_base_url=self.base_url,
            version_check_mode="none",
            ratelimit_method="throw",
            request_timeout=self.timeout,
            session=session,
        )
        try:
            status = api.status_post(
                text_composed(outgoing.text, outgoing.link),
                visibility="public",
                language=outgoing.language,
                idempotency_key=outgoing.idempotency_key,
            )
        except MastodonRatelimitError:
            wait = retry_after_parse(answers[-1].headers.get("Retry-After")) if answers else None
            raise RateLimited(
                f"Mastodon {self.code!r}: too many posts for now (429).", retry_after=wait
            ) from None
        except MastodonServerError as error:
            raise TemporaryFailure(f"Mastodon {self.code!r}: {_answer(error)}") from None
        except MastodonNetworkError as error:
            # Refused, down, or no answer in time (the post may have been made: the
            # retry sends the same Idempotency-Key).
            raise TemporaryFailure(f"Mastodon {self.code!r} did not answer: {error}") from None
        except MastodonAPIError as error:
            raise PermanentFailure(
                f"Mastodon {self.code!r} refused the post: {_answer(error)}"
            ) from None
        except MastodonError as error:
            raise PermanentFailure(f"Mastodon {self.code!r}: {error}") from None
        finally:
            session.close()
        return Posted(
            remote_id=str(status.get("id") or ""), remote_url=str(status.get("url") or "")
        )


def _answer(error: MastodonAPIError) -> str:
    """The status code and the server's own error text (``{"error": "..."}``)."""
    args = error.args
    if len(args) >= 4:
        code, reason, text = args[1], args[2], args[3]
        return f"{code} {text or reason}".strip()
    return str(error)
