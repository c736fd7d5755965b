"""The kept counts of messages per channel and state, and the triggers that keep them.

The counts start from what the outbox holds when this runs; from then on the
database adds and subtracts in the same transaction as each change to a message
(see ``MessageStateCount``).
"""

from django.db import migrations, models

COUNTS = "messaging_messagestatecount"

FILL = f"""
INSERT INTO {COUNTS} (channel, state, messages)
SELECT channel, state, COUNT(*) FROM messaging_message GROUP BY channel, state
"""

# SQLite has one writer at a time, so a trigger per row is enough.
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER messaging_message_counted_insert AFTER INSERT ON messaging_message
    BEGIN
        INSERT INTO {COUNTS} (channel, state, messages) VALUES (NEW.channel, NEW.state, 1)
        ON CONFLICT (channel, state) DO UPDATE SET messages = messages + 1;
    END
    """,
    f"""
    CREATE TRIGGER messaging_message_counted_update AFTER UPDATE OF state, channel
    ON messaging_message
    WHEN OLD.state IS NOT NEW.state OR OLD.channel IS NOT NEW.channel
    BEGIN
        UPDATE {COUNTS} SET messages = messages - 1
        WHERE channel = OLD.channel AND state = OLD.state;
        INSERT INTO {COUNTS} (channel, state, messages) VALUES (NEW.channel, NEW.state, 1)
        ON CONFLICT (channel, state) DO UPDATE SET messages = messages + 1;
    END
    """,
    f"""
    CREATE TRIGGER messaging_message_counted_delete AFTER DELETE ON messaging_message
    BEGIN
        UPDATE {COUNTS} SET messages = messages - 1
        WHERE channel = OLD.channel AND state = OLD.state;
    END
    """,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS messaging_message_counted_{event}"
    for event in ("insert", "update", "delete")
]

# PostgreSQL: once per statement, from the statement's old and new rows, so a
# broadcast's bulk insert or a batch claim is one upsert per channel and state;
# the rows are touched sorted by (channel, state), so concurrent workers take
# their locks in the same order and cannot deadlock on them.
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION messaging_message_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {COUNTS} (channel, state, messages)
        SELECT channel, state, COUNT(*) FROM new_rows
        GROUP BY channel, state ORDER BY channel, state
        ON CONFLICT (channel, state)
        DO UPDATE SET messages = {COUNTS}.messages + EXCLUDED.messages;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {COUNTS} (channel, state, messages)
        SELECT channel, state, -COUNT(*) FROM old_rows
        GROUP BY channel, state ORDER BY channel, state
        ON CONFLICT (channel, state)
        DO UPDATE SET messages = {COUNTS}.messages + EXCLUDED.messages;
    ELSE
        INSERT INTO {COUNTS} (channel, state, messages)
        SELECT channel, state, SUM(change) FROM (
            SELECT channel, state, 1 AS change FROM new_rows
            UNION ALL
            SELECT channel, state, -1 AS change FROM old_rows
        ) AS changes
        GROUP BY channel, state HAVING SUM(change) <> 0 ORDER BY channel, state
        ON CONFLICT (channel, state)
        DO UPDATE SET messages = {COUNTS}.messages + EXCLUDED.messages;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGERS = [
    POSTGRESQL_FUNCTION,
    """
    CREATE TRIGGER messaging_message_counted_insert AFTER INSERT ON messaging_message
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION messaging_message_counted()
    """,
    """
    CREATE TRIGGER messaging_message_counted_update AFTER UPDATE ON messaging_message
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION messaging_message_counted()
    """,
    """
    CREATE TRIGGER messaging_message_counted_delete AFTER DELETE ON messaging_message
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION messaging_message_counted()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS messaging_message_counted_{event} ON messaging_message"
    for event in ("insert", "update", "delete")
] + ["DROP FUNCTION IF EXISTS messaging_message_counted()"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def triggers_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"No message count triggers for the {vendor} database.")
    _run(schema_editor, [FILL])
    _run(schema_editor, SQLITE_TRIGGERS if vendor == "sqlite" else POSTGRESQL_TRIGGERS)


def triggers_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_DROP if vendor == "sqlite" else POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_interface_languages"),
    ]

    operations = [
        migrations.CreateModel(
            name="MessageStateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("email", "e-mail"),
                            ("sms", "text message (SMS)"),
                            ("letter", "letter by post"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "queued"),
                            ("sending", "sending"),
                            ("sent", "sent"),
                            ("delivered", "delivered"),
                            ("retrying", "failed, will try again"),
                            ("failed", "failed"),
                            ("bounced", "bounced"),
                            ("cancelled", "cancelled"),
                        ],
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("messages", models.BigIntegerField(default=0, verbose_name="messages")),
            ],
            options={
                "verbose_name": "message count",
                "verbose_name_plural": "message counts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("channel", "state"), name="unique_message_state_count"
                    )
                ],
            },
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
