"""Townhall settings: one module, every knob read from the environment.

The defaults give the embedded demo (SQLite in ``var/``, the database task
worker, e-mail kept in a local capture). ``TOWNHALL_MODE=production`` turns
the checks in :mod:`townhall.conf` on: the process refuses to start while a
setting is unsafe. Every variable is documented in ``docs/configuration.md``.
"""

import importlib.util
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from townhall.conf import (
    DEMO_MASTODON_TOKEN,
    DEMO_OIDC_CLIENT_SECRET,
    DEMO_VERENIGINGSREGISTER_API_KEY,
    enforce_production_rules,
)
from townhall.languages import FALLBACK, INTERFACE, language_choices

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

MODE = env.str("TOWNHALL_MODE", default="demo")
DEMO_MODE = MODE == "demo"
VAR_DIR = Path(env.str("TOWNHALL_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# A fixed key keeps demo sessions and keyed hashes stable across restarts; the
# production checks refuse it.
DEMO_SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY if DEMO_MODE else "")
# Rotation: the new key in SECRET_KEY, the old one here until sessions and
# signed links made with it have expired (docs/operations.md, "Keys").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=DEMO_MODE)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEMO_MODE else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets the site's layout and language (the 400/403/404/500 pages are templates).
CSRF_FAILURE_VIEW = "townhall.error_pages.csrf_failure"

INSTALLED_APPS = [
    # The admin, with a site that demands the staff sign-in and second factor.
    "townhall.accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "anymail",
    # The register's history (townhall.registry.history).
    "simple_history",
    "townhall.municipality",
    "townhall.registry",
    "townhall.importers",
    "townhall.accounts",
    "townhall.catalog",
    "townhall.messaging",
    "townhall.eforms",
    "townhall.cases",
    "townhall.documents",
    "townhall.news",
    "townhall.courses",
    "townhall.portal",
    "townhall.backoffice",
    "townhall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews the session's expiry at most once a minute (not a write per request).
    "townhall.accounts.sessions.SessionRenewalMiddleware",
    "townhall.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A form too large to read: a page that says so (413), before the CSRF check reads it.
    "townhall.post_limits.PostLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The signed-in user as the author of the register's changes saved during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "townhall.accounts.assisted.AssistedSessionMiddleware",
    "townhall.accounts.second_factor.StaffSecondFactorMiddleware",
    "townhall.accounts.acting.ActingMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]
# With DEBUG on (the demo), Django answers 404, 400 and 500 with its technical pages;
# this keeps the site's pages in every mode. The traceback of a 500 still goes to the
# log (the console of `make demo`); a developer who wants Django's pages sets
# TOWNHALL_TECHNICAL_ERROR_PAGES=true.
TECHNICAL_ERROR_PAGES = env.bool("TOWNHALL_TECHNICAL_ERROR_PAGES", default=False)
if DEBUG and not TECHNICAL_ERROR_PAGES:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("townhall.accounts.acting.ActingMiddleware") + 1,
        "townhall.error_pages.SiteErrorPagesMiddleware",
    )

ROOT_URLCONF = "townhall.urls"
# The register's history (townhall.registry.history) is read by record, never by date
# across records: no index on the date, which every import's versions would pay for.
SIMPLE_HISTORY_DATE_INDEX = False
WSGI_APPLICATION = "townhall.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

# No "loaders" given: Django wraps the file and app loaders in its cached loader
# (also with DEBUG on since Django 4.1), so a template is read and compiled once
# per process (townhall/tests/test_settings.py checks it).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "townhall.municipality.context_processors.municipality",
                "townhall.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'townhall.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; the timeout
    # waits for a lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so a worker started by a test sees the test data. A fixed
    # name, so `pytest --reuse-db` finds it again (pytest-xdist adds _gw0, _gw1 per
    # worker); two runs at once in one checkout set TOWNHALL_TEST_DATABASE apart.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TOWNHALL_TEST_DATABASE", default=str(VAR_DIR / "test.sqlite3"))
    }
# Persistent connections: opening one costs about as much as serving a page. A
# connection is checked before a request reuses it, so one the server closed is
# replaced instead of failing the request. 0 closes it after every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------
# "immediate" runs a task inside the caller (tests), "database" queues it in
# the database for ``manage.py db_worker`` (demo, one machine), "rq" queues it
# in Redis for ``manage.py rqworker`` (many machines).
TASK_QUEUES = ["default", "urgent", "bulk"]
TASKS_BACKEND = env.str("TOWNHALL_TASKS_BACKEND", default="database")
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": TASK_QUEUES}}
# The Redis Queue apps only with their backend: they come with the "redis" extra
# (requirements/redis.txt), which an install on one machine leaves out.
RQ_APPS = ["django_rq", "django_tasks_rq"]
if TASKS_BACKEND == "rq":
    if not all(importlib.util.find_spec(app) for app in RQ_APPS):
        raise ImproperlyConfigured(
            "TOWNHALL_TASKS_BACKEND=rq needs the Redis Queue packages, which come with the "
            "'redis' extra: pip install -r requirements/redis.txt (see docs/operations.md)."
        )
    INSTALLED_APPS += RQ_APPS
# Every queue must exist for RQ too, so the backend can be switched by setting alone.
RQ_QUEUES = {name: {"URL": REDIS_URL} for name in TASK_QUEUES}

# --- Authentication -------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "portal:my_page"
# Axes first: it refuses every password check while the username or address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sessions end after this much inactivity: a request renews the session when its
# last save is a minute old (townhall.accounts.sessions), not on every request.
SESSION_COOKIE_AGE = env.int("TOWNHALL_SESSION_IDLE_SECONDS", default=30 * 60)

# --- Staff sign-in: password, then a second factor (docs/authentication.md) --
# TOTP from an authenticator app, or a single-use backup code (django-otp).
# django-otp's throttling stays on: after n wrong codes a device waits 2^(n-1) s.
# The name beside the code in the app; empty: "Townhall <municipality>".
TOWNHALL_TOTP_ISSUER = env.str("TOWNHALL_TOTP_ISSUER", default="")


def _totp_issuer(device) -> str:
    # django-otp calls this when it builds a QR code's URL, long after the apps loaded.
    from townhall.accounts.second_factor import totp_issuer_of_device

    return totp_issuer_of_device(device)


OTP_TOTP_ISSUER = _totp_issuer
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows TOTP keys or backup codes
# An assisted session at the counter (staff act for a resident) ends after this.
ASSISTED_SESSION_MINUTES = env.int("TOWNHALL_ASSISTED_SESSION_MINUTES", default=30)

# --- Throttling of failed password sign-ins (django-axes) --------------------
# Staff and resident e-mail sign-ins alike: after AXES_FAILURE_LIMIT failures
# for one username, or from one client address, each within the cool-off of
# the previous one, that username or address is locked for AXES_COOLOFF_TIME.
# Tries during a lockout do not extend it; a success does not reset the count
# (else signing in to one's own account would reset an address's failures).
# The lockout page (HTTP 429) says until when: townhall.accounts.throttling.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("TOWNHALL_SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("TOWNHALL_SIGN_IN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "townhall.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "townhall.accounts.throttling.client_ip_address"
# Behind the reverse proxy the client address is the last X-Forwarded-For entry.
SIGN_IN_CLIENT_IP_FROM_FORWARDED_FOR = env.bool("TOWNHALL_BEHIND_PROXY", default=False)
# Account e-mail (sign-in links, registrations) anyone can ask for: at most
# PER_ADDRESS per address in ADDRESS_WINDOW seconds and PER_CLIENT per client
# address in CLIENT_WINDOW seconds (townhall.accounts.email_rate_limits).
TOWNHALL_ACCOUNT_EMAIL_LIMITS = {
    "PER_ADDRESS": env.int("TOWNHALL_ACCOUNT_EMAIL_PER_ADDRESS", default=3),
    "ADDRESS_WINDOW": env.int("TOWNHALL_ACCOUNT_EMAIL_ADDRESS_WINDOW", default=15 * 60),
    "PER_CLIENT": env.int("TOWNHALL_ACCOUNT_EMAIL_PER_CLIENT", default=20),
    "CLIENT_WINDOW": env.int("TOWNHALL_ACCOUNT_EMAIL_CLIENT_WINDOW", default=3600),
}

# --- Resident sign-in through OpenID Connect (docs/authentication.md) -------
# PRESET is fas, acmidm or demo. A DISCOVERY_URL starting with "/" is on this
# site (the demo identity provider).
OIDC = {
    "PRESET": env.str("OIDC_PRESET", default="demo" if DEMO_MODE else ""),
    "DISCOVERY_URL": env.str(
        "OIDC_DISCOVERY_URL",
        default="/demo-idp/o/.well-known/openid-configuration" if DEMO_MODE else "",
    ),
    "CLIENT_ID": env.str("OIDC_CLIENT_ID", default="townhall-demo" if DEMO_MODE else ""),
    "CLIENT_SECRET": env.str(
        "OIDC_CLIENT_SECRET", default=DEMO_OIDC_CLIENT_SECRET if DEMO_MODE else ""
    ),
    "TIMEOUT": env.int("OIDC_TIMEOUT_SECONDS", default=10),
    "OVERRIDES": {
        "SCOPE": env.str("OIDC_SCOPES", default=""),
        "NATIONAL_NUMBER_CLAIM": env.str("OIDC_NATIONAL_NUMBER_CLAIM", default=""),
        "GIVEN_NAME_CLAIM": env.str("OIDC_GIVEN_NAME_CLAIM", default=""),
        "FAMILY_NAME_CLAIM": env.str("OIDC_FAMILY_NAME_CLAIM", default=""),
        "EMAIL_CLAIM": env.str("OIDC_EMAIL_CLAIM", default=""),
        "ACR_VALUES": env.str("OIDC_ACR_VALUES", default=""),
    },
}

# --- Languages: Dutch first, then French and English ----------------------
LANGUAGE_CODE = FALLBACK
LANGUAGES = language_choices(INTERFACE)  # townhall.languages says why these
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
LANGUAGE_COOKIE_NAME = "townhall_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_TZ = True

# --- Files ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# --- E-mail ---------------------------------------------------------------
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    # Demo only: kept in var/demo-mailbox/ and shown at /demo/mailbox/.
    "demo-mailbox": "townhall.demo.mailbox.DemoMailboxBackend",
    # A provider's API through django-anymail; ANYMAIL_ESP names it (mailgun,
    # postmark, sendgrid, amazon_ses, brevo...), ANYMAIL holds its settings.
    "anymail": f"anymail.backends.{env.str('ANYMAIL_ESP', default='test')}.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[
    env.str("TOWNHALL_EMAIL_BACKEND", default="demo-mailbox" if DEMO_MODE else "smtp")
]
# API keys and the webhook secret (WEBHOOK_SECRET, "user:password") of the provider.
ANYMAIL = env.json("ANYMAIL", default={})
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@townhall.invalid")

# --- Messaging ------------------------------------------------------------
# Where residents reach this site: links in messages (unsubscribe) are absolute.
TOWNHALL_PUBLIC_URL = env.str("TOWNHALL_PUBLIC_URL", default="http://127.0.0.1:8000")
# The right-hand side of the Message-ID of every e-mail we send.
TOWNHALL_MESSAGE_ID_DOMAIN = env.str(
    "TOWNHALL_MESSAGE_ID_DOMAIN", default=DEFAULT_FROM_EMAIL.rpartition("@")[2] or "townhall"
)
TOWNHALL_MESSAGING = {
    # Retries of a temporary failure: 1, 2, 4 ... minutes, at most RETRY_MAX
    # apart, given up RETRY_HORIZON after the message was written.
    "RETRY_FIRST": env.int("TOWNHALL_MESSAGING_RETRY_FIRST", default=60),
    "RETRY_MAX": env.int("TOWNHALL_MESSAGING_RETRY_MAX", default=3600),
    "RETRY_HORIZON": env.int("TOWNHALL_MESSAGING_RETRY_HORIZON", default=48 * 3600),
    # The sweeper takes back messages left "sending" this long by a worker that
    # died, and re-enqueues messages queued this long without being picked up.
    "SENDING_TIMEOUT": env.int("TOWNHALL_MESSAGING_SENDING_TIMEOUT", default=600),
    "QUEUED_TIMEOUT": env.int("TOWNHALL_MESSAGING_QUEUED_TIMEOUT", default=900),
    # Messages of a broadcast per bulk task (one SMTP connection each).
    "CHUNK_SIZE": env.int("TOWNHALL_MESSAGING_CHUNK_SIZE", default=200),
    # Recipients per preparation task of a broadcast (every bulk worker takes parts).
    "PART_SIZE": env.int("TOWNHALL_MESSAGING_PART_SIZE", default=5000),
    # Processes that render a letter batch (0: one per core).
    "LETTER_PROCESSES": env.int("TOWNHALL_LETTER_PROCESSES", default=0),
}
# SMS gateways (townhall.messaging.sms): GATEWAYS is a JSON list, one object
# per gateway (NAME, ADAPTER, PRIORITY, WEIGHT and the adapter's options).
TOWNHALL_SMS = {
    "SENDER_ID": env.str("TOWNHALL_SMS_SENDER_ID", default="Townhall"),
    "GATEWAYS": env.json(
        "TOWNHALL_SMS_GATEWAYS",
        default=[{"NAME": "demo", "ADAPTER": "demo-capture"}] if DEMO_MODE else [],
    ),
    "QUIET_HOURS": tuple(env.list("TOWNHALL_SMS_QUIET_HOURS", default=["21:00", "08:00"])),
    "COOL_DOWN_SECONDS": env.int("TOWNHALL_SMS_COOL_DOWN_SECONDS", default=60),
    "TIMEOUT": (
        env.float("TOWNHALL_SMS_CONNECT_TIMEOUT_SECONDS", default=3.05),
        env.float("TOWNHALL_SMS_READ_TIMEOUT_SECONDS", default=10.0),
    ),
}
# Social media accounts (townhall.messaging.social, docs/configuration.md "Social
# media"): ACCOUNTS is a JSON object, one entry per account (PLUGIN "mastodon" or
# "webhook" and its options); secrets come from the environment variables that
# TOKEN_ENV and SECRET_ENV name. The demo posts to its own fake Mastodon server.
TOWNHALL_SOCIAL = {
    "ACCOUNTS": env.json(
        "TOWNHALL_SOCIAL_ACCOUNTS",
        default={
            "mastodon": {
                "PLUGIN": "mastodon",
                "BASE_URL": f"{TOWNHALL_PUBLIC_URL}/demo/mastodon",
                "TOKEN": DEMO_MASTODON_TOKEN,
            }
        }
        if DEMO_MODE
        else {},
    ),
    "TIMEOUT": (
        env.float("TOWNHALL_SOCIAL_CONNECT_TIMEOUT_SECONDS", default=3.05),
        env.float("TOWNHALL_SOCIAL_READ_TIMEOUT_SECONDS", default=15.0),
    ),
    "RETRY_FIRST": env.int("TOWNHALL_SOCIAL_RETRY_FIRST", default=60),
    "RETRY_MAX": env.int("TOWNHALL_SOCIAL_RETRY_MAX", default=1800),
    "RETRY_HORIZON": env.int("TOWNHALL_SOCIAL_RETRY_HORIZON", default=6 * 3600),
    "SENDING_TIMEOUT": env.int("TOWNHALL_SOCIAL_SENDING_TIMEOUT", default=600),
    "QUEUED_TIMEOUT": env.int("TOWNHALL_SOCIAL_QUEUED_TIMEOUT", default=900),
}
# The Flemish association register's public API (docs/associations.md): read only,
# the key goes in the vr-api-key header. The demo serves a fake of it at /demo/verenigingsregister/.
TOWNHALL_VERENIGINGSREGISTER = {
    "URL": env.str(
        "TOWNHALL_VERENIGINGSREGISTER_URL",
        default=f"{TOWNHALL_PUBLIC_URL}/demo/verenigingsregister"
        if DEMO_MODE
        else "https://publiek.verenigingen.vlaanderen.be",
    ),
    "API_KEY": env.str(
        "TOWNHALL_VERENIGINGSREGISTER_API_KEY",
        default=DEMO_VERENIGINGSREGISTER_API_KEY if DEMO_MODE else "",
    ),
    "TIMEOUT": (
        env.float("TOWNHALL_VERENIGINGSREGISTER_CONNECT_TIMEOUT_SECONDS", default=3.05),
        env.float("TOWNHALL_VERENIGINGSREGISTER_READ_TIMEOUT_SECONDS", default=20.0),
    ),
}
# Shared by every process: the SMS gateways' cool-downs live here. Use Redis
# (CACHE_URL=redis://127.0.0.1:6379/1) when more than one worker runs.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# How long public pages and the municipality's profile stay in that cache
# (townhall.page_cache). A change by staff shows at once in the process that made
# it, and in the others at once with a shared cache, else within this time.
TOWNHALL_PAGE_CACHE_SECONDS = env.int("TOWNHALL_PAGE_CACHE_SECONDS", default=60)
# The largest form body a page takes unless it says otherwise (townhall.post_limits):
# above it the form is refused unread, with a page that says so.
TOWNHALL_FORM_MAX_BYTES = env.int("TOWNHALL_FORM_MAX_BYTES", default=64 * 1024 * 1024)

# --- Imports of the authentic sources (docs/imports.md, "Starting an import") ---
TOWNHALL_IMPORTS = {
    # A running import without a batch commit for this long is taken for dead: the
    # next start of its source marks it failed and resumes (townhall.importers.locking).
    # Longer than the slowest batch and the reading before the first one.
    "STALE_MINUTES": env.int("TOWNHALL_IMPORT_STALE_MINUTES", default=15),
    # A back-office import that no worker took this long after its start is given up.
    "QUEUED_MINUTES": env.int("TOWNHALL_IMPORT_QUEUED_MINUTES", default=24 * 60),
    # The largest file staff may upload (the KBO full ZIP is about 300 MB).
    "UPLOAD_MAX_BYTES": env.int("TOWNHALL_IMPORT_UPLOAD_MAX_BYTES", default=1024**3),
    # Files on the server staff may import without uploading them, per importer:
    # {"best": ["/srv/imports/openaddress-bevlg.zip"], "kbo": [...]}. Staff choose
    # among these; the browser never sends a path of its own.
    "PATHS": env.json("TOWNHALL_IMPORT_PATHS", default={}),
}

# --- Documents: the electronic seal (docs/configuration.md, "Seal") ----------
# Every issued PDF is sealed (PAdES) with the municipality's key: from files
# (KEY_FILE, CERT_FILE) or from a PKCS#11 token (a hardware security module).
# With neither, the demo makes its own chain under DEMO_DIR; production refuses
# to start (townhall.documents.checks). With a TSA_URL every seal gets an RFC 3161
# timestamp and its revocation data (PAdES B-LT).
TOWNHALL_SEAL = {
    "KEY_FILE": env.str("TOWNHALL_SEAL_KEY_FILE", default=""),
    "CERT_FILE": env.str("TOWNHALL_SEAL_CERT_FILE", default=""),
    "CHAIN_FILE": env.str("TOWNHALL_SEAL_CHAIN_FILE", default=""),
    "KEY_PASSPHRASE": env.str("TOWNHALL_SEAL_KEY_PASSPHRASE", default=""),
    "PKCS11_MODULE": env.str("TOWNHALL_SEAL_PKCS11_MODULE", default=""),
    "PKCS11_TOKEN": env.str("TOWNHALL_SEAL_PKCS11_TOKEN", default=""),
    "PKCS11_KEY_LABEL": env.str("TOWNHALL_SEAL_PKCS11_KEY_LABEL", default=""),
    "PKCS11_CERT_LABEL": env.str("TOWNHALL_SEAL_PKCS11_CERT_LABEL", default=""),
    "PKCS11_PIN": env.str("TOWNHALL_SEAL_PKCS11_PIN", default=""),
    "TSA_URL": env.str("TOWNHALL_SEAL_TSA_URL", default=""),
    # More certificates a seal may chain to when it is checked: the roots of
    # earlier seal certificates (after a change of provider) and of the TSA.
    "TRUST_FILE": env.str("TOWNHALL_SEAL_TRUST_FILE", default=""),
    # Seconds to wait for the TSA and for each revocation (OCSP, CRL) answer.
    "TIMEOUT": env.int("TOWNHALL_SEAL_TIMEOUT_SECONDS", default=10),
    "DEMO_DIR": env.str("TOWNHALL_SEAL_DEMO_DIR", default=str(VAR_DIR / "seal-demo")),
}
# Print batches of documents (townhall.documents.batches): processes that render
# them (0: one per core).
TOWNHALL_DOCUMENTS = {
    "BATCH_PROCESSES": env.int("TOWNHALL_DOCUMENT_BATCH_PROCESSES", default=0),
}

# --- Computer courses (docs/courses.md) ------------------------------------
# How long a person offered a freed place on a session has to confirm it.
TOWNHALL_COURSES_OFFER_HOURS = env.int("TOWNHALL_COURSES_OFFER_HOURS", default=48)

# --- Data protection ------------------------------------------------------
# Key of the keyed hash (HMAC-SHA256) through which national register numbers
# are looked up. Changing it needs ``manage.py rehash_national_numbers``. The
# demo uses SECRET_KEY; production refuses that and requires its own key.
NATIONAL_NUMBER_HASH_KEY = env.str(
    "TOWNHALL_NATIONAL_NUMBER_HASH_KEY", default=SECRET_KEY if DEMO_MODE else ""
)
# Fernet key(s) for encrypting national register numbers at rest; the first
# encrypts, all decrypt (rotation: ``manage.py reencrypt_national_numbers``).
# Derived from SECRET_KEY when unset, which production refuses.
FIELD_ENCRYPTION_KEYS = env.list("TOWNHALL_FIELD_ENCRYPTION_KEYS", default=[])
# Residents read their access log on My data; by default it names the staff
# member's department only, not the staff member.
TOWNHALL_ACCESS_LOG_SHOW_STAFF_NAMES = env.bool(
    "TOWNHALL_ACCESS_LOG_SHOW_STAFF_NAMES", default=False
)

# --- Security -------------------------------------------------------------
# Content-Security-Policy (django-csp): only this site's own scripts, styles
# and images; no inline code, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'", *env.list("TOWNHALL_CSP_FORM_ACTION", default=[])],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEMO_MODE
CSRF_COOKIE_SECURE = not DEMO_MODE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEMO_MODE else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEMO_MODE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("TOWNHALL_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: plain lines to stderr; never a national register number -----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_national_numbers": {"()": "townhall.registry.logging.NationalNumberFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_national_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs a few lines per page at INFO: thousands for a letter batch.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # SpiffWorkflow logs every task state change at INFO.
        "spiff": {"level": "WARNING"},
    },
}

# --- Demo-only features ---------------------------------------------------
# Each is refused in production mode by townhall.conf.
DEMO_FEATURES = {
    "seed_demo": env.bool("TOWNHALL_DEMO_SEED", default=DEMO_MODE),
    # A real OpenID provider with demo personas at /demo-idp/ (townhall.demo_idp).
    "identity_provider": env.bool("TOWNHALL_DEMO_IDP", default=DEMO_MODE),
    "mailbox": EMAIL_BACKEND.endswith("DemoMailboxBackend"),
    "sms_capture": any(g.get("ADAPTER") == "demo-capture" for g in TOWNHALL_SMS["GATEWAYS"]),
    # The demo's fake Mastodon server and its public token (townhall.demo.fake_mastodon).
    "mastodon_fake": any(
        isinstance(a, dict) and a.get("TOKEN") == DEMO_MASTODON_TOKEN
        for a in (TOWNHALL_SOCIAL["ACCOUNTS"] or {}).values()
    ),
}
if DEMO_FEATURES["identity_provider"] and MODE == "demo":
    from townhall.demo_idp.conf import demo_idp_settings

    INSTALLED_APPS += ["oauth2_provider", "townhall.demo_idp"]
    OAUTH2_PROVIDER = demo_idp_settings(VAR_DIR)

enforce_production_rules(globals())
