"""Side effects that are not business rules: removing files nobody points at any more."""

from __future__ import annotations

from django.db.models.signals import post_delete

from articles.models import Rendition


def _rendition_file_delete(sender, instance: Rendition, **kwargs) -> None:
    # Renditions can always be made again from the head image; their files go with them.
    if instance.file:
        instance.file.delete(save=False)


def connect() -> None:
    post_delete.connect(_rendition_file_delete, sender=Rendition, dispatch_uid="rendition_file_delete")
