"""Benchmark of the messaging outbox against bare smtplib, and of the letter batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/messaging.py
    ... bench/messaging.py --count 10000 --letters 400     # a quick check

Needs Postfix's ``smtp-sink`` (Debian package ``postfix``): aiosmtpd saturates
below the rate we measure, so it would be the bottleneck, not the outbox.

1. Creates the database ``townhall_bench_messaging`` on the server of
   ``DATABASE_URL`` (dropping a leftover one first), migrates it, and writes
   ``--count`` residents with an e-mail address and consent for news.
2. The ceiling: sends the same messages (same headers, unsubscribe link and
   text) with bare ``smtplib`` over one connection to an ``smtp-sink``, each
   built with the standard library's ``email`` package as a plain client
   would. A second, transport-only figure sends pre-formatted bytes (no
   message building at all): what the sink and one connection could take.
3. The outbox: starts ``--workers`` real ``db_worker`` processes on the bulk
   queue, calls ``broadcast_send`` for one announcement to all of them, and
   times until every message is ``sent``, against a fresh ``smtp-sink``.
4. Counts what each sink received (it dumps every transaction to a file):
   messages lost (not received) and duplicated (received twice) must be 0.
5. Renders ``--letters`` one-page letters into one print PDF on both cores
   (``bench/letters.py``), against the goal of 4,800 in under 120 seconds.
6. Drops the database (``--keep`` leaves it).
"""

import argparse
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "townhall_bench_messaging"
ROOT = Path(__file__).resolve().parent.parent
SENDER = "noreply@bench.example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Postfix's smtp-sink on a free port, dumping every transaction to a file."""

    def __init__(self, workdir: Path, name: str):
        self.port = free_port()
        self.folder = workdir / name
        self.folder.mkdir()
        self.folder.chmod(0o777)  # smtp-sink drops to user nobody
        self.dump = self.folder / "dump"
        binary = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
        command = [binary, "-D", str(self.dump), f"127.0.0.1:{self.port}", "1000"]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "nobody"]
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("smtp-sink did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def references(self) -> Counter:
        """How often each message (by its X-Townhall-Reference or To) was received."""
        counts: Counter = Counter()
        if not self.dump.exists():
            return counts
        with self.dump.open("rb") as dump:
            for line in dump:
                if line.startswith(b"X-Townhall-Reference:"):
                    counts[line.split(b":", 1)[1].strip().decode()] += 1
        return counts


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_recreate(base_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')


def database_drop(base_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(database_url(base_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def residents_create(count: int) -> None:
    from django.utils import timezone

    from townhall.registry.models import Person
    from townhall.registry.preferences import Consent
    from townhall.registry.provenance import Source

    languages = ["nl"] * 8 + ["fr", "en"]
    batch = []
    for index in range(count):
        batch.append(
            Person(
                number_kind=Person.NumberKind.NONE,
                given_names=f"Inwoner{index}",
                family_name="Bench",
                language=languages[index % len(languages)],
                email=f"resident{index}@bench.example.org",
                state=Person.State.RESIDENT,
            )
        )
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    today = timezone.localdate()
    consents = [
        Consent(person_id=pk, topic="news", given=True, on=today, source=Source.RESIDENT)
        for pk in Person.objects.values_list("pk", flat=True)
    ]
    Consent.objects.bulk_create(consents, batch_size=5000)


def ceiling_run(sink: Sink, count: int, body: str) -> float:
    """Bare smtplib, one connection, the same number of similar messages."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for index in range(count):
            to = f"resident{index}@bench.example.org"
            message = (
                f"From: {SENDER}\r\nTo: {to}\r\nSubject: Nieuws uit de gemeente\r\n"
                f"Message-ID: <{index}@bench.example.org>\r\nX-Townhall-Reference: C-{index}\r\n"
                f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
            )
            smtp.sendmail(SENDER, [to], message.encode())
    return time.perf_counter() - started


def ceiling_built_run(sink: Sink, count: int, body: str) -> float:
    """Bare smtplib, one connection, each message built as a plain Python client
    would: the standard library's ``email`` package, with the same headers as
    the outbox's (a second, gentler ceiling; the issue's figure of about 940
    messages per second from a bare smtplib client is of this kind)."""
    from email.message import EmailMessage

    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for index in range(count):
            message = EmailMessage()
            message["From"] = SENDER
            message["To"] = f"resident{index}@bench.example.org"
            message["Subject"] = "Nieuws uit de gemeente"
            message["Message-ID"] = f"<{index}@bench.example.org>"
            message["X-Townhall-Reference"] = f"C-{index}"
            message["List-Unsubscribe"] = (
                f"<https://townhall.example.org/berichten/afmelden/{'x' * 90}{index}/>"
            )
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            message.set_content(body.replace("{{ full_name }}", f"Inwoner{index} Bench"))
            smtp.send_message(message)
    return time.perf_counter() - started


def workers_start(count: int, env: dict) -> list[subprocess.Popen]:
    command = [
        sys.executable, "-m", "townhall", "db_worker", "--queue-name", "bulk",
        "--interval", "0.1", "--no-reload", "--no-startup-delay", "-v", "0",
    ]  # fmt: skip
    return [subprocess.Popen(command, env=env) for _ in range(count)]


def outbox_run(sink: Sink, count: int, workers: int, env: dict) -> tuple[float, dict]:
    from django.db.models import Count

    from townhall.messaging.broadcasts import Selection, broadcast_send
    from townhall.messaging.models import Broadcast, Message

    processes = workers_start(workers, {**env, "EMAIL_PORT": str(sink.port)})
    try:
        time.sleep(2)  # the workers' start-up is not part of the figure
        started = time.perf_counter()
        broadcast = broadcast_send(template="bench-news", selection=Selection(), context={})
        # Poll the broadcast's own row (cheap): the workers mark it done when no
        # message is on its way any more. Counting 100,000 rows every 0.2 s
        # would itself load the database we measure.
        while time.perf_counter() - started < 3600:
            state = Broadcast.objects.values_list("state", flat=True).get(pk=broadcast.pk)
            if state == Broadcast.State.DONE:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    states = dict(
        Message.objects.filter(broadcast=broadcast)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    broadcast.refresh_from_db()
    prepared = broadcast.prepared_at - broadcast.created_at
    states["prepared in s"] = round(prepared.total_seconds(), 1)
    return elapsed, states


def bench_template() -> str:
    """An announcement on the news topic (consent needed, so it carries List-Unsubscribe)."""
    from townhall.messaging.models import MessageKind, MessageTemplate
    from townhall.messaging.templates import template_activate, template_text_save

    body = (
        "Beste {{ full_name }},\n\nDe bibliotheek van {{ municipality }} start in januari met "
        "gratis computerlessen voor beginners. Inschrijven kan aan de balie of op de website.\n\n"
        "Met vriendelijke groeten,\nGemeente {{ municipality }}"
    )
    template = MessageTemplate.objects.create(
        code="bench-news", name="Bench news", kind=MessageKind.ANNOUNCEMENT, topic="news"
    )
    for channel in ("email", "sms", "letter"):
        for language in ("nl", "fr", "en"):
            template_text_save(
                template=template,
                channel=channel,
                language=language,
                subject="Nieuws uit de gemeente",
                body=body,
            )
    template_activate(template=template)
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--letters", type=int, default=4800)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the database name is ignored).")
    workdir = Path(tempfile.mkdtemp(prefix="townhall-bench-messaging-"))
    workdir.chmod(0o755)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(base_url, BENCH_DATABASE),
        "TOWNHALL_TASKS_BACKEND": "database",
        "TOWNHALL_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "DEFAULT_FROM_EMAIL": SENDER,
        "TOWNHALL_VAR_DIR": str(workdir / "var"),
        "TOWNHALL_DEMO_SEED": "false",
        "PYTHONPATH": str(ROOT / "src"),
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.settings")
    database_recreate(base_url)
    import django

    django.setup()
    from django.core.management import call_command

    from townhall.demo.municipality import municipality_create

    try:
        call_command("migrate", verbosity=0)
        municipality_create(enterprise_number="0207436181")
        body = bench_template()
        residents_create(args.count)

        ceiling_sink = Sink(workdir, "ceiling")
        ceiling_seconds = ceiling_run(ceiling_sink, args.count, body)
        time.sleep(0.5)
        ceiling_sink.stop()
        ceiling_received = ceiling_sink.references()
        built_sink = Sink(workdir, "built")
        built_seconds = ceiling_built_run(built_sink, args.count, body)
        time.sleep(0.5)
        built_sink.stop()
        built_received = built_sink.references()

        outbox_sink = Sink(workdir, "outbox")
        outbox_seconds, states = outbox_run(outbox_sink, args.count, args.workers, env)
        time.sleep(0.5)
        outbox_sink.stop()
        received = outbox_sink.references()
    finally:
        if not args.keep:
            database_drop(base_url)
    lost = args.count - len(received)
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    ceiling_rate = args.count / ceiling_seconds
    outbox_rate = args.count / outbox_seconds
    built_rate = args.count / built_seconds
    print(f"\nMessaging benchmark: {args.count:,} e-mails, {args.workers} bulk workers")
    print("  ceiling: bare smtplib, one connection, the same messages built with the")
    print(f"           standard library's email package:    {built_rate:8,.0f} messages/s")
    print(f"  outbox: broadcast_send to every message sent:  {outbox_rate:8,.0f} messages/s")
    print(f"  ratio to the ceiling:                          {outbox_rate / built_rate:8.2f}"
          "   (goal: at least 0.5)")  # fmt: skip
    print("  transport only: bare smtplib sending pre-formatted bytes, no headers to fold:")
    transport_ratio = outbox_rate / ceiling_rate
    print(f"{'':49}{ceiling_rate:8,.0f} messages/s (ratio {transport_ratio:.2f})")
    print(f"  received by the sinks: ceiling {len(built_received):,}, "
          f"transport only {len(ceiling_received):,}")  # fmt: skip
    print(f"  states: {states}")
    print(f"  lost: {lost}   duplicated: {duplicated}   (both must be 0)")

    if args.letters:
        sys.path.insert(0, str(ROOT / "bench"))
        from letters import bench_letters, report

        print()
        print(report(bench_letters(count=args.letters, processes=2)))
    if args.keep:
        print(f"\nKept the database {BENCH_DATABASE} and {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
