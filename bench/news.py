"""Benchmark of a publication's delivery and of the news pages (issue #25).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/news.py
    ... bench/news.py --subscribers 2000 --streets 5 --seconds 3   # a quick check
    ... bench/news.py --database townhall_bench_news_mine            # beside another run

1. Creates its own database (``--database``, default ``townhall_bench_news``; it
   refuses one that exists and drops only the one it made, ``--keep`` keeps it),
   migrates it, and writes ``--subscribers`` active subscriptions to road works
   (e-mail at once and SMS, ``--sms-share`` of them by SMS), ``--streets`` streets
   with ``--residents`` residents each (e-mail, mobile or neither: a letter), and
   ``--publications`` published news items (the 1,000 most recent the pages read).
2. The ceiling: bare ``smtplib`` over one connection, each message built with the
   standard library's ``email`` package (``bench/messaging.py``'s
   ``ceiling_built_run``), as many as the alert's e-mails, to the same kind of sink.
3. The delivery: starts ``--workers`` real ``db_worker`` processes on the urgent
   and bulk queues, publishes an urgent alert (e-mail and SMS) on the streets
   through ``publication_publish``, and times until its delivery is done and no
   message of it is on its way: the time to the last delivery, and the rate per
   channel (e-mail to the SMTP sink, SMS to the fake SMS gateway of the messaging
   tests, a real HTTP server on 127.0.0.1; letters wait for the print batch).
   Lost and duplicated e-mails (by the sink's count of each reference) must be 0.
4. The pages: gunicorn (``--gunicorn-workers``) in production mode with
   ``bench/pages_settings.py``, and ``wrk`` for ``--seconds`` each on hello-world,
   ``/nieuws/``, ``/evenementen/`` and ``/nieuws/feed/atom/``; prints each page's
   rate and its ratio to hello-world (goal: at least 0.5).

The SMTP sink is Postfix's ``smtp-sink`` when installed (Debian package
``postfix``), else aiosmtpd in this process: aiosmtpd saturates first, so with it
the ratio is a floor of the outbox's, not its measure; the run says which it used.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(ROOT / "src"))

from messaging import SENDER, Sink, ceiling_built_run, free_port  # noqa: E402
from pages_server import (  # noqa: E402
    WRK_SCRIPT,
    Visitor,
    _fernet_key,
    database_create,
    database_drop,
    database_urls,
    wrk_figures,
)


class AioSink:
    """An aiosmtpd server in this process, counting each message's reference (the
    stand-in for smtp-sink where Postfix is not installed)."""

    def __init__(self, name: str):
        from aiosmtpd.controller import Controller

        self.name = name
        self.port = free_port()
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                for line in envelope.content.splitlines():
                    if line.startswith(b"X-Townhall-Reference:"):
                        with sink.lock:
                            sink.counts[line.split(b":", 1)[1].strip().decode()] += 1
                        break
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def references(self) -> Counter:
        with self.lock:
            return Counter(self.counts)


def sink_make(workdir: Path, name: str):
    if shutil.which("smtp-sink") or Path("/usr/sbin/smtp-sink").exists():
        return Sink(workdir, name)
    return AioSink(name)


# --- The data --------------------------------------------------------------------


def data_create(args) -> dict:
    from django.utils import timezone

    from townhall.accounts.roles import staff_role_assign
    from townhall.accounts.tests.staff import department, staff_user
    from townhall.demo.municipality import municipality_create
    from townhall.news.models import (
        NewsTopic,
        Publication,
        Subscriber,
        Subscription,
        SubscriptionAudience,
    )
    from townhall.registry.models import Person
    from townhall.registry.tests.factories import AddressFactory

    municipality_create(enterprise_number="0207436181")
    department("communication", "Communicatie")
    writer = staff_user("bench-writer", department_code="communication")
    staff_role_assign(user=writer)
    road_works, _ = NewsTopic.objects.get_or_create(
        code="road-works", defaults={"name": "Wegenwerken"}
    )
    streets = []
    persons = []
    for s in range(args.streets):
        for r in range(args.residents):
            address = AddressFactory(street_name=f"Benchstraat {s}", house_number=str(r + 1))
            kind = r % 4  # e-mail, mobile, both, neither (a letter)
            persons.append(
                Person(
                    number_kind=Person.NumberKind.NONE,
                    given_names=f"Bewoner{s}-{r}",
                    family_name="Bench",
                    language="nl",
                    email=f"bewoner{s}-{r}@bench.example.org" if kind in (0, 2) else "",
                    mobile=f"+32470{s:02d}{r:04d}" if kind in (1, 2) else "",
                    state=Person.State.RESIDENT,
                    domicile=address,
                )
            )
        streets.append(address.street_id)
    Person.objects.bulk_create(persons, batch_size=2000)
    subscribers = []
    sms_every = max(1, round(1 / args.sms_share)) if args.sms_share else 0
    for index in range(args.subscribers):
        sms = bool(sms_every) and index % sms_every == 0
        subscribers.append(
            Subscriber(
                channel="sms" if sms else "email",
                address=f"+3248{index:07d}" if sms else f"abonnee{index}@bench.example.org",
                language=("nl", "nl", "nl", "fr", "en")[index % 5],
            )
        )
    Subscriber.objects.bulk_create(subscribers, batch_size=5000)
    subscriptions = [
        Subscription(subscriber=s, state="active", confirmed_at=timezone.now())
        for s in Subscriber.objects.order_by("pk")
    ]
    Subscription.objects.bulk_create(subscriptions, batch_size=5000)
    ids = list(Subscription.objects.values_list("pk", flat=True))
    Subscription.topics.through.objects.bulk_create(
        [Subscription.topics.through(subscription_id=i, newstopic_id=road_works.pk) for i in ids],
        batch_size=5000,
    )
    SubscriptionAudience.objects.bulk_create(
        [SubscriptionAudience(subscription_id=i, audience="residents") for i in ids],
        batch_size=5000,
    )
    now = timezone.now()
    Publication.objects.bulk_create(
        [
            Publication(
                slug=f"bench-{n}",
                kind="news",
                state="published",
                title=f"Nieuws {n} uit de gemeente",
                summary="Een korte samenvatting van het bericht.",
                body="Het bericht zelf.",
                body_html="<p>Het bericht zelf.</p>",
                publish_at=now - datetime.timedelta(minutes=n + 1),
                state_changed_at=now,
            )
            for n in range(args.publications)
        ],
        batch_size=1000,
    )
    return {"writer": writer, "road_works": road_works, "streets": streets}


# --- The delivery ----------------------------------------------------------------


def workers_start(count: int, env: dict) -> list[subprocess.Popen]:
    command = [
        sys.executable, "-m", "townhall", "db_worker", "--queue-name", "urgent,bulk",
        "--interval", "0.1", "--no-reload", "--no-startup-delay", "-v", "0",
    ]  # fmt: skip
    return [subprocess.Popen(command, env=env) for _ in range(count)]


def delivery_run(args, data: dict, env: dict) -> dict:
    from django.db import transaction
    from django.db.models import Count, Max

    from townhall.messaging.models import Message
    from townhall.news import services
    from townhall.news.delivery import key_prefix
    from townhall.news.models import PublicationDelivery

    processes = workers_start(args.workers, env)
    try:
        time.sleep(2)  # the workers' start-up is not part of the figure
        started = time.perf_counter()
        with transaction.atomic(durable=True):
            alert = services.publication_create(
                author=data["writer"],
                kind="alert",
                title="Wegenwerken in de Benchstraten",
                summary="De straten zijn afgesloten voor alle verkeer.",
                urgent=True,
                ends_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2),
                audiences=["residents"],
                topics=[data["road_works"]],
                streets=data["streets"],
                channel_email=True,
                channel_sms=True,
                sms_text="Benchstraten afgesloten tot vrijdag.",
            )
            services.publication_publish(publication=alert, actor=data["writer"])
        messages = Message.objects.filter(idempotency_key__startswith=key_prefix(alert))
        while time.perf_counter() - started < 3600:
            done = PublicationDelivery.objects.filter(publication=alert, state="done").exists()
            if (
                done
                and not messages.filter(state__in=["queued", "sending", "retrying"])
                .exclude(channel="letter")
                .exists()
            ):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    per_channel = {}
    first = PublicationDelivery.objects.get(publication=alert).created_at
    for row in messages.order_by().values("channel", "state").annotate(n=Count("pk")):
        per_channel.setdefault(row["channel"], {})[row["state"]] = row["n"]
    for channel in ("email", "sms"):
        last = messages.filter(channel=channel).aggregate(m=Max("sent_at"))["m"]
        total = sum(per_channel.get(channel, {}).values())
        seconds = (last - first).total_seconds() if last else None
        per_channel.setdefault(channel, {})["rate"] = round(total / seconds) if seconds else None
    state = PublicationDelivery.objects.get(publication=alert)
    written = (state.finished_at - state.created_at).total_seconds()
    return {"seconds": elapsed, "channels": per_channel, "alert": alert, "written": written}


# --- The pages -------------------------------------------------------------------


def pages_run(args, workdir: Path, database_url: str) -> list[tuple[str, dict]]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TOWNHALL_MODE": "production",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TOWNHALL_PUBLIC_URL": "https://townhall.bench.invalid",
        "DJANGO_SETTINGS_MODULE": "pages_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(BENCH_DIR)]),
        "LOG_LEVEL": "WARNING",
    }
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 -- lives with the server
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "townhall.wsgi:application",
            "--workers",
            str(args.gunicorn_workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--error-logfile",
            "-",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    results = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Visitor(port).request("GET", "/bench/hello/")[0].status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"gunicorn did not start: see {workdir / 'gunicorn.log'}")
            time.sleep(0.2)
        for name, path in (
            ("hello-world", "/bench/hello/"),
            ("news page", "/nieuws/"),
            ("events page", "/evenementen/"),
            ("Atom feed", "/nieuws/feed/atom/"),
        ):
            status = Visitor(port).request("GET", path)[0].status
            done = subprocess.run(
                [
                    "wrk",
                    "--threads",
                    "2",
                    "--connections",
                    "16",
                    "--duration",
                    f"{args.seconds}s",
                    "--script",
                    str(script),
                    f"http://127.0.0.1:{port}{path}",
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = wrk_figures(done.stdout)
            figures["status"] = status
            results.append((name, figures))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--sms-share", type=float, default=0.3)
    parser.add_argument("--streets", type=int, default=20)
    parser.add_argument("--residents", type=int, default=25, help="residents per street")
    parser.add_argument("--publications", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5, help="wrk's time per page")
    parser.add_argument("--database", default="townhall_bench_news")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (its database is not used).")
    admin_url, database_url = database_urls(os.environ["DATABASE_URL"], args.database)
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-news-"))
    workdir.chmod(0o755)
    from townhall.messaging.tests.sms_gateways_fake import FakeSmsGateway

    gateway = FakeSmsGateway("generic").__enter__()
    keys = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "TOWNHALL_NATIONAL_NUMBER_HASH_KEY": secrets.token_urlsafe(48),
        "TOWNHALL_FIELD_ENCRYPTION_KEYS": _fernet_key(),
    }
    mail_sink = sink_make(workdir, "outbox")
    env = {
        **os.environ,
        **keys,
        "DATABASE_URL": database_url,
        "TOWNHALL_TASKS_BACKEND": "database",
        "TOWNHALL_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_sink.port),
        "DEFAULT_FROM_EMAIL": SENDER,
        "TOWNHALL_SMS_GATEWAYS": json.dumps(
            [{"NAME": "bench", "ADAPTER": "generic-http", "URL": gateway.url}]
        ),
        "TOWNHALL_SMS_QUIET_HOURS": "00:00,00:00",
        "TOWNHALL_VAR_DIR": str(workdir / "var"),
        "TOWNHALL_DEMO_SEED": "false",
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    database_create(admin_url, args.database)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        data = data_create(args)
        print(f"Wrote the data in {time.perf_counter() - started:.0f} s")
        delivered = delivery_run(args, data, env)
        time.sleep(0.5)
        received = mail_sink.references()
        mail_sink.stop()
        emails = sum(
            delivered["channels"].get("email", {}).get(s, 0) for s in ("sent", "delivered")
        )
        ceiling_sink = sink_make(workdir, "ceiling")
        ceiling_seconds = ceiling_built_run(ceiling_sink, max(1, emails), "Wegenwerken.\n" * 5)
        ceiling_sink.stop()
        pages = pages_run(args, workdir, database_url)
    finally:
        gateway.__exit__(None, None, None)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(admin_url, args.database)
    print(
        f"\nNews benchmark: an urgent alert to {args.subscribers:,} subscribers "
        f"({args.sms_share:.0%} by SMS) and {args.streets} streets of {args.residents} "
        f"residents; {args.workers} workers (urgent and bulk)"
    )
    sink_name = (
        "smtp-sink" if isinstance(ceiling_sink, Sink) else "aiosmtpd (a floor: it saturates first)"
    )
    print(f"  SMTP sink: {sink_name}")
    print(f"  time to the last delivery:  {delivered['seconds']:8.1f} s")
    print(f"  messages all written after: {delivered['written']:8.1f} s (one task, in batches)")
    email_rate = delivered["channels"].get("email", {}).get("rate") or 0
    for channel, figures in sorted(delivered["channels"].items()):
        rate = figures.pop("rate", None)
        shown = f"{rate:,} /s" if rate else "-"
        print(f"  {channel:6} {shown:>12}  {figures}")
    ceiling_rate = emails / ceiling_seconds if ceiling_seconds else 0
    print(f"  ceiling: bare smtplib, same sink:  {ceiling_rate:8,.0f} e-mails/s")
    if ceiling_rate:
        print(f"  e-mail rate / ceiling:             {email_rate / ceiling_rate:8.2f}")
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    print(f"  e-mails received {len(received):,} of {emails:,}; duplicated {duplicated}")
    hello = pages[0][1]["rate"]
    print(f"\n  pages under gunicorn ({args.gunicorn_workers} workers, wrk 16 connections, "
          f"{args.seconds} s; {args.publications:,} publications stored):")  # fmt: skip
    for name, figures in pages:
        ratio = figures["rate"] / hello if hello else 0
        goal = (
            ""
            if name == "hello-world"
            else ("  goal 0.5: met" if ratio >= 0.5 else "  goal 0.5: NOT met")
        )
        print(f"  {name:12} {figures['status']}  {figures['rate']:8,.0f} req/s  "
              f"ratio {ratio:4.2f}{goal}")  # fmt: skip


if __name__ == "__main__":
    main()
