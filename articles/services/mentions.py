"""Project mentions, derived from ``project-link`` anchors in an article body.

The body is the single source of truth: ``mentions_sync`` replaces an article's mentions with
what its body says, and upserts the projects it names. Every write path calls it through
``articles.services.articles.article_derive``.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils import timezone

from articles.models import Article, Project, ProjectMention
from articles.services.project_ids import project_id_is_valid, project_url_or_blank

ANCHOR_TEXT_MAX = 300


@dataclass(frozen=True, slots=True)
class ProjectLink:
    """One ``<a class="project-link">`` anchor as written in a body."""

    external_id: str
    name: str
    logo_url: str
    refer_type: str
    href: str
    text: str


class _ProjectLinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[ProjectLink] = []
        self.unidentified: list[str] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = {name: value or "" for name, value in attrs}
        if "project-link" in values.get("class", "").split():
            self._open = values
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or self._open is None:
            return
        values, text = self._open, "".join(self._text).strip()
        self._open = None
        external_id = values.get("data-id", "").strip()
        if not project_id_is_valid(external_id):
            self.unidentified.append(text)
            return
        self.links.append(
            ProjectLink(
                external_id=external_id,
                name=values.get("data-name", "").strip() or text,
                logo_url=values.get("data-logo", "").strip(),
                refer_type=values.get("data-refer-type", "").strip(),
                href=values.get("href", "").strip(),
                text=text[:ANCHOR_TEXT_MAX],
            )
        )


def project_links_extract(html: str) -> tuple[list[ProjectLink], list[str]]:
    """Return the body's project links in order, and the texts of anchors lacking a valid
    ``data-id`` (``articles.services.project_ids``): those stay ordinary links.

    Pure: no database access. Works on any HTML, cleaned or not.
    """
    if "project-link" not in html:
        return [], []
    parser = _ProjectLinkParser()
    parser.feed(html)
    parser.close()
    return parser.links, parser.unidentified


def projects_upsert(*, links: list[ProjectLink], seen_at, refresh: bool = True) -> dict[str, Project]:
    """Create missing projects and refresh existing ones from ``links``.

    Name, logo, link and refer type follow the newest published article that mentions a project:
    a link seen at ``seen_at`` only overwrites a project last described by an older (or undated)
    one, and an empty attribute never blanks a known value. With ``refresh=False`` (a draft)
    missing projects are created but existing ones are left as readers see them.
    Returns the projects by external id.
    """
    return projects_upsert_many(mentioned=[(links, seen_at, refresh)])


def _project_describe(project: Project, link: ProjectLink, seen_at, *, new: bool) -> None:
    project.last_seen_at = seen_at
    for field_name, value in (
        ("name", link.name[:200]),
        ("logo_url", project_url_or_blank(link.logo_url[:1000])),
        ("url", project_url_or_blank(link.href[:1000])),
        ("refer_type", link.refer_type[:16]),
    ):
        if value or new:
            setattr(project, field_name, value)


def projects_upsert_many(*, mentioned: list[tuple[list[ProjectLink], object, bool]]) -> dict[str, Project]:
    """``projects_upsert`` for several articles at once, each given as (``links``, ``seen_at``,
    ``refresh``), in the order they are written (the importer: oldest first): the same
    projects as upserting them one after another, in one read and at most three writes.
    Returns the projects by external id."""
    wanted = {link.external_id for links, _seen, _refresh in mentioned for link in links}
    if not wanted:
        return {}
    projects = {p.external_id: p for p in Project.objects.filter(external_id__in=wanted)}
    created: dict[str, Project] = {}
    updated: dict[str, Project] = {}
    now = timezone.now()
    for links, seen_at, refresh in mentioned:
        latest: dict[str, ProjectLink] = {}
        for link in links:
            latest[link.external_id] = link
        seen_at = seen_at or now
        for external_id, link in latest.items():
            project = projects.get(external_id)
            if project is None:
                project = projects[external_id] = created[external_id] = Project(external_id=external_id)
                _project_describe(project, link, seen_at, new=True)
            elif refresh and (project.last_seen_at is None or project.last_seen_at <= seen_at):
                _project_describe(project, link, seen_at, new=False)
                if external_id not in created:
                    updated[external_id] = project
    if created:
        Project.objects.bulk_create(list(created.values()), ignore_conflicts=True)
        projects.update({p.external_id: p for p in Project.objects.filter(external_id__in=list(created))})
    if updated:
        for project in updated.values():
            project.updated_at = now
        Project.objects.bulk_update(
            list(updated.values()), ["name", "logo_url", "url", "refer_type", "last_seen_at", "updated_at"]
        )
    return projects


def mentions_sync(*, article: Article) -> list[ProjectMention]:
    """Make ``article``'s mentions exactly the project links of its body.

    Must run inside the transaction that saved the body. Returns the new mentions.
    """
    links, _unidentified = project_links_extract(article.body)
    projects = projects_upsert(
        links=links,
        seen_at=article.published_at,
        refresh=article.status == Article.Status.PUBLISHED,
    )
    ProjectMention.objects.filter(article=article).delete()
    return ProjectMention.objects.bulk_create(mentions_build(article=article, links=links, projects=projects))


def mentions_build(
    *, article: Article, links: list[ProjectLink], projects: dict[str, Project]
) -> list[ProjectMention]:
    """Unsaved mentions of ``article``, one per link in body order (``projects`` by data-id)."""
    return [
        ProjectMention(
            article=article,
            project=projects[link.external_id],
            refer_type=link.refer_type[:16],
            href=link.href[:1000],
            anchor_text=link.text,
            position=position,
        )
        for position, link in enumerate(links)
    ]


_ANCHOR_START = re.compile(r'<a(?:\s+[a-z][a-z0-9-]*="[^"]*")*>')
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')


def project_links_complete(html: str) -> str:
    """Fill in what a ``project-link`` anchor leaves out, from its Project record.

    An anchor that names a known project by ``data-id`` gets ``data-name``, ``data-logo``,
    ``data-refer-type`` and ``href`` from the Project when the attribute is missing. Attributes
    that are present are never rewritten, even when empty or different from the Project, so an
    imported body saved again comes back unchanged. ``html`` must be cleaned
    (``articles.sanitize.clean_html``); the result needs cleaning again to be canonical.
    """
    if "project-link" not in html:
        return html
    anchors = []
    for match in _ANCHOR_START.finditer(html):
        attrs = {name: html_lib.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(0))}
        is_project_link = "project-link" in attrs.get("class", "").split()
        if is_project_link and project_id_is_valid(attrs.get("data-id", "").strip()):
            anchors.append((match, attrs))
    wanted = {attrs["data-id"].strip() for _match, attrs in anchors}
    projects = {p.external_id: p for p in Project.objects.filter(external_id__in=wanted)}
    pieces, last = [], 0
    for match, attrs in anchors:
        project = projects.get(attrs["data-id"].strip())
        if project is None:
            continue
        filled = dict(attrs)
        defaults = {
            "data-name": project.name,
            "data-logo": project.logo_url,
            "data-refer-type": project.refer_type,
            "href": project.url or project.get_absolute_url(),
        }
        for name, value in defaults.items():
            if name not in filled and value:
                filled[name] = value
        if filled == attrs:
            continue
        rendered = "".join(f' {name}="{html_lib.escape(value)}"' for name, value in filled.items())
        pieces += [html[last : match.start()], f"<a{rendered}>"]
        last = match.end()
    if not pieces:
        return html
    return "".join([*pieces, html[last:]])
