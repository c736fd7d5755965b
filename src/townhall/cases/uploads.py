"""An administrator uploads a new version of a workflow's model.

1. :func:`workflow_version_upload` checks the BPMN model and its DMN tables with
   :func:`townhall.cases.models_check.model_problems`.
2. A refused model raises ``ValidationError({"bpmn": [...]})`` with every
   problem, saves nothing, and logs who tried which workflow and why (never
   the file's content).
3. An accepted one becomes the workflow's newest version
   (:func:`townhall.cases.services.workflow_version_add`): new cases start on
   it, running cases keep theirs until an administrator moves them
   (:mod:`townhall.cases.migration`).
"""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from townhall.cases import services
from townhall.cases.models import Workflow, WorkflowVersion
from townhall.cases.models_check import model_problems

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 300


def _text(content: bytes, what: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(
            {"bpmn": [_("The %(what)s file is not UTF-8 text.") % {"what": what}]}
        ) from error


def workflow_version_upload(
    *, workflow: Workflow, bpmn: bytes, dmn_tables: list[bytes], note: str, actor
) -> WorkflowVersion:
    """Check the model and add it as ``workflow``'s newest version; refuse it with every
    problem under ``bpmn``."""
    note = (note or "").strip()
    problems = model_problems(bpmn=bpmn, dmn_tables=list(dmn_tables))
    if not problems:
        try:
            texts = [_text(bpmn, "BPMN"), *(_text(t, "DMN") for t in dmn_tables)]
        except ValidationError as error:
            problems = error.message_dict["bpmn"]
    if problems:
        logger.warning(
            "Workflow model refused: %s tried workflow %s; %d problem(s): %s",
            getattr(actor, "username", None) or "nobody",
            workflow.key,
            len(problems),
            " | ".join(problems),
        )
        raise ValidationError({"bpmn": problems})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep it under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}}
        )
    version = services.workflow_version_add(
        workflow=workflow, bpmn=texts[0], dmn_tables=texts[1:], note=note, actor=actor
    )
    logger.info(
        "Workflow %s: version %d uploaded by %s",
        workflow.key,
        version.number,
        getattr(actor, "username", None) or "nobody",
    )
    return version
