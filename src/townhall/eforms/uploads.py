"""Uploads of a form: checked by what they contain, not by their name, and stored
through the Django storage API.

1. :class:`CheckedFileField` refuses a file larger than the field's limit, then
   reads its first bytes and asks ``filetype`` what they are (magic bytes); a
   file whose content is not one of the accepted kinds is refused, whatever its
   extension or the browser's claimed content type.
2. :func:`upload_store` saves an accepted file under a random name beside its
   draft; the draft keeps the original name, size, kind and storage path.
"""

import uuid

import filetype
from django import forms
from django.core.exceptions import (
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

KIND_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/webp": "WebP",
}


class CheckedFileField(forms.FileField):
    def __init__(self, *, accept: tuple[str, ...], max_size: int, **kwargs):
        self.accept, self.max_size = accept, max_size
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(accept)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or not hasattr(upload, "read"):
            return upload
        if upload.size > self.max_size:
            raise ValidationError(
                _("This file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(self.max_size)}
            )
        upload.seek(0)
        kind = filetype.guess(upload.read(2048))
        upload.seek(0)
        if kind is None or kind.mime not in self.accept:
            raise ValidationError(
                _("This file is not one of the kinds accepted here: %(kinds)s.")
                % {"kinds": ", ".join(KIND_LABELS.get(a, a) for a in self.accept)}
            )
        upload.checked_kind = kind
        return upload


def upload_store(upload, *, folder: str) -> dict:
    """Save a checked upload; the JSON the draft keeps about it."""
    kind = upload.checked_kind
    path = default_storage.save(f"eforms/{folder}/{uuid.uuid4().hex}.{kind.extension}", upload)
    try:
        name = get_valid_filename(str(upload.name or "file"))[:150]
    except SuspiciousFileOperation:
        name = "file"
    return {"name": name, "path": path, "size": upload.size, "content_type": kind.mime}
