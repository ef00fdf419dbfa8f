"""Side effects that are not business rules: removing files nobody points at any more."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete

from articles.models import Rendition


def _rendition_file_delete(sender, instance: Rendition, **kwargs) -> None:
    # Renditions can always be made again from the head image; their files go with them, once
    # the deletion is committed (a rolled-back transaction keeps rows and files together).
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name))


def connect() -> None:
    post_delete.connect(_rendition_file_delete, sender=Rendition, dispatch_uid="rendition_file_delete")
