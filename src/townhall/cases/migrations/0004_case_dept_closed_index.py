"""The dashboard's index: a department's cases closed in the last days."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_information_request_withdrawn")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["department", "closed_at"], name="cases_dept_closed"),
        ),
    ]
