"""The social media accounts from the settings, and the system check that refuses a bad one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from townhall.messaging.social.channels import (
    Registry,
    SocialChannel,
    UnknownSocialChannel,
    mastodon_length,
    retry_after_parse,
)
from townhall.messaging.social.checks import social_accounts_check
from townhall.messaging.social.configuration import account_built, account_get
from townhall.messaging.social.mastodon import MastodonChannel


def social(settings, accounts):
    settings.TOWNHALL_SOCIAL = {**settings.TOWNHALL_SOCIAL, "ACCOUNTS": accounts}


def test_a_mastodon_account_reads_its_token_from_the_environment(settings, monkeypatch):
    monkeypatch.setenv("TOWNHALL_TEST_MASTODON_TOKEN", "s3cret")
    social(
        settings,
        {
            "gemeente": {
                "PLUGIN": "mastodon",
                "BASE_URL": "https://mastodon.example/",
                "TOKEN_ENV": "TOWNHALL_TEST_MASTODON_TOKEN",
            }
        },
    )
    account = account_get("gemeente")
    assert isinstance(account, MastodonChannel)
    assert account.token == "s3cret"
    assert account.base_url == "https://mastodon.example"
    assert social_accounts_check(None) == []


def test_the_check_refuses_an_unknown_plugin_and_a_missing_secret(settings, monkeypatch):
    monkeypatch.delenv("TOWNHALL_TEST_UNSET", raising=False)
    social(
        settings,
        {
            "a": {"PLUGIN": "myspace"},
            "b": {
                "PLUGIN": "mastodon",
                "BASE_URL": "https://m.example",
                "TOKEN_ENV": "TOWNHALL_TEST_UNSET",
            },
            "c": {"PLUGIN": "webhook", "URL": "ftp://x", "SECRET": "s"},
            "d": {"PLUGIN": "webhook", "URL": "https://x.example", "SECRET": "s", "COLOUR": 1},
        },
    )
    messages = [error.msg for error in social_accounts_check(None)]
    assert messages == [
        "Social media account 'a': No social channel plugin is registered as 'myspace' "
        "(registered: mastodon, webhook).",
        "Social media account 'b': the environment variable 'TOWNHALL_TEST_UNSET' "
        "(TOKEN_ENV) is not set.",
        "Social media account 'c': URL must be an http(s) address.",
        "Social media account 'd': unknown options COLOUR.",
    ]


def test_an_unknown_account_names_the_configured_ones(settings):
    social(settings, {"gemeente": {"PLUGIN": "webhook", "URL": "https://x.example", "SECRET": "s"}})
    with pytest.raises(UnknownSocialChannel, match=r"'nope' \(configured: gemeente\)"):
        account_get("nope")


def test_a_fresh_registry_takes_a_plugin_of_its_own():
    registry = Registry()

    @registry("echo")
    class Echo(SocialChannel):
        def post(self, outgoing):
            raise NotImplementedError

    assert Echo.plugin == "echo"
    with pytest.raises(TypeError):
        registry("not-a-channel")(object)
    with pytest.raises(ImproperlyConfigured, match="registered: echo"):
        account_built("x", {"PLUGIN": "mastodon"}, registry=registry)


def test_mastodon_counts_every_url_as_23_characters():
    long = "https://www.example.be/" + "a" * 100
    assert mastodon_length(f"Zie {long} en {long}") == len("Zie ") + 23 + len(" en ") + 23
    assert mastodon_length("Hallo @an@mastodon.example") == len("Hallo @an")


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    assert retry_after_parse("120") == timedelta(seconds=120)
    assert retry_after_parse("Fri, 04 Dec 2026 20:05:00 GMT", now=now) == timedelta(minutes=5)
    assert retry_after_parse("soon") is None
    assert retry_after_parse(None) is None
