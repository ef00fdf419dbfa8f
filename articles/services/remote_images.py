"""Bringing remote images home: head images, thumbnails and project logos of imported content.

``remote_images_fetch`` finds every remote image not stored yet (an article's
``head_image_url`` / ``thumbnail_url`` without its file, a project's ``logo_url`` without
``logo``), downloads them on a few threads (bounded: ``workers``), each with a timeout and a
byte limit, and stores them through the one image pipeline (``articles.services.images``:
format, bytes and pixels checked, re-encoded, metadata stripped, random name). The state of each
image is kept on its owner (``image_fetch``: url, ``fetched`` or ``failed``, the error, the
attempts), so the admin shows it, pages never show a broken box for a failed one
(``Article.head_image_src``, ``Project.logo_src``), and the next run tries the failed ones again.
Threads only download and check; the database is written from the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from articles.caching import content_changed
from articles.models import Article, Project
from articles.services.images import NormalizedImage, renditions_ensure
from articles.services.importing.images import ImageFetchError, ImageLimits, image_fetch

MAX_WORKERS = 4
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RemoteImage:
    """One remote image to bring home: its owner, the field that stores it, its URL."""

    owner: Model
    field: str  # "head_image", "thumbnail" or "logo"
    url: str

    @property
    def label(self) -> str:
        return f"{self.owner._meta.model_name} {self.owner.pk} {self.field}"


@dataclass(slots=True)
class FetchReport:
    fetched: list[RemoteImage] = field(default_factory=list)
    failed: list[tuple[RemoteImage, str]] = field(default_factory=list)


_URL_FIELDS = {"head_image": "head_image_url", "thumbnail": "thumbnail_url", "logo": "logo_url"}


def remote_images_pending(*, article_ids: list[int] | None = None) -> list[RemoteImage]:
    """Every remote image not stored yet (of ``article_ids`` and the projects they mention, when
    given), failed ones included."""
    articles = Article.objects.filter(
        Q(head_image="", head_image_url__gt="") | Q(thumbnail="", thumbnail_url__gt="")
    ).only("id", "head_image", "head_image_url", "thumbnail", "thumbnail_url", "image_fetch")
    projects = Project.objects.filter(logo="", logo_url__gt="")
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
        projects = projects.filter(mentions__article_id__in=article_ids).distinct()
    pending = []
    for article in articles.order_by("pk"):
        for name in ("head_image", "thumbnail"):
            url = getattr(article, _URL_FIELDS[name])
            if url and not getattr(article, name):
                pending.append(RemoteImage(owner=article, field=name, url=url))
    pending.extend(RemoteImage(owner=p, field="logo", url=p.logo_url) for p in projects.order_by("pk"))
    return pending


def _download(image: RemoteImage, limits: ImageLimits) -> NormalizedImage | str:
    try:
        return image_fetch(url=image.url, limits=limits)
    except ImageFetchError as error:
        return str(error)


def _state(image: RemoteImage, state: str, error: str = "") -> dict:
    previous = (image.owner.image_fetch or {}).get(image.field) or {}
    attempts = previous.get("attempts", 0) + 1 if previous.get("url") == image.url else 1
    return {"url": image.url, "state": state, "error": error, "attempts": attempts}


def _store(image: RemoteImage, outcome: NormalizedImage | str) -> None:
    owner = image.owner
    states = dict(owner.image_fetch or {})
    changed: dict = {}
    if isinstance(outcome, str):
        states[image.field] = _state(image, "failed", outcome)
    else:
        field_file = getattr(owner, image.field)
        field_file.save(outcome.name, outcome, save=False)
        changed[image.field] = field_file.name
        states[image.field] = _state(image, "fetched")
    owner.image_fetch = states
    # Only these columns: the article's version (and an editor's claim on it) stays as it is.
    type(owner).objects.filter(pk=owner.pk).update(image_fetch=states, **changed)
    if image.field == "head_image" and changed:
        renditions_ensure(article=owner)


def remote_images_fetch(
    *,
    images: list[RemoteImage] | None = None,
    limits: ImageLimits | None = None,
    workers: int = MAX_WORKERS,
    progress: Progress | None = None,
) -> FetchReport:
    """Download ``images`` (default: ``remote_images_pending()``) and store them; never raises
    for an image: failures are recorded on their owner and listed in the report.

    ``workers`` threads download at once (at most ``MAX_WORKERS``); ``progress(done, total)``
    is called as images finish. Marks cached pages stale once anything changed.
    """
    images = remote_images_pending() if images is None else images
    limits = limits or ImageLimits.from_settings()
    report = FetchReport()
    total = len(images)
    if progress:
        progress(0, total)
    if not images:
        return report
    # The same URL (a head image that is also the thumbnail) is downloaded once.
    by_url: dict[str, list[RemoteImage]] = {}
    for image in images:
        by_url.setdefault(image.url, []).append(image)
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(workers, MAX_WORKERS))) as pool:
        results = pool.map(lambda url: (url, _download(by_url[url][0], limits)), list(by_url))
        for url, outcome in results:
            for image in by_url[url]:
                _store(image, outcome)
                if isinstance(outcome, str):
                    report.failed.append((image, outcome))
                else:
                    outcome.seek(0)
                    report.fetched.append(image)
                done += 1
            if progress:
                progress(done, total)
    content_changed()
    return report


def remote_image_state_text(owner: Model, field_name: str) -> str:
    """The state of ``owner``'s remote image in ``field_name`` as the admin shows it."""
    url = getattr(owner, _URL_FIELDS[field_name])
    if getattr(owner, field_name):
        return _("已保存到本站")
    entry = (owner.image_fetch or {}).get(field_name) or {}
    if not url:
        return _("无")
    if entry.get("url") == url and entry.get("state") == "failed":
        return _("下载失败（第 %(attempts)d 次）：%(error)s") % {
            "attempts": entry.get("attempts", 1),
            "error": entry.get("error", ""),
        }
    return _("尚未下载（使用远程地址）")
