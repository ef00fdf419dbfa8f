"""Image fields whose stored files always come out of the one image pipeline.

``CleanImageField`` is Django's ``ImageField`` with two guarantees, whatever the write path (an
admin form, a service, the shell): an upload in a form is checked and normalised as the form is
cleaned (``ImageUploadField``: a bad image is a form error, not a 500), and any file saved into
the field that is not already a ``NormalizedImage`` is normalised on its way to storage
(re-encoded, metadata dropped, random name; see ``articles.services.images``).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models.fields.files import ImageFieldFile


class ImageUploadField(forms.FileField):
    """An uploaded image: checked (format, bytes, pixels, whole) before anything is stored, then
    normalised (orientation applied, metadata dropped, random name)."""

    widget = AdminFileWidget

    def to_python(self, data):
        from articles.services.images import ImageRejected, image_check, image_normalize

        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return image_normalize(upload, checked=image_check(upload))
        except ImageRejected as error:
            raise forms.ValidationError(str(error), code="invalid_image") from error


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store ``content`` normalised (under its random name) unless it already is.
        Raises ``articles.services.images.ImageRejected`` for what is not an acceptable image."""
        from articles.services.images import NormalizedImage, image_normalize

        if not isinstance(content, NormalizedImage):
            content = image_normalize(content)
            name = content.name
        super().save(name, content, save=save)


class CleanImageField(models.ImageField):
    attr_class = CleanImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{**kwargs, "form_class": ImageUploadField})
