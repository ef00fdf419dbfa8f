"""The API gives the images the pages show: a project's stored logo once images_fetch brought
it home (the remote one until then, null when fetching it failed), and no head image when the
only one is a remote image that could not be fetched."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from articles.api import schemas
from articles.caching import content_changed
from articles.models import Project
from tests.articles.api.conftest import png_upload

pytestmark = pytest.mark.django_db


def projects_of(api, article) -> dict[str, str | None]:
    item = api(f"/articles/{article.pk}").json()["article"]
    return {p["identifier"]: p["logo_url"] for p in item["projects"]}


def test_a_projects_logo_is_the_stored_copy_when_there_is_one(api, reader_site, client):
    project = Project.objects.get(external_id="8301")
    assert projects_of(api, reader_site.imported)["8301"] == "https://img.example.com/qs.png"
    project.logo.save("qs.png", ContentFile(png_upload(size=(48, 48)).read()), save=True)

    stored = f"http://testserver{project.logo.url}"
    assert projects_of(api, reader_site.imported)["8301"] == stored
    assert api("/projects/8301").json()["logo_url"] == stored
    listed = api("/articles", include="projects").json()
    schemas.ArticleList.model_validate(listed)
    assert {p["identifier"]: p["logo_url"] for p in listed["included"]["projects"]}["8301"] == stored
    # The same choice as the article page (Project.logo_src).
    assert f'src="{project.logo.url}"' in client.get(reader_site.imported.get_absolute_url()).content.decode()


def test_a_logo_that_could_not_be_fetched_is_null_as_the_pages_show_a_badge(api, reader_site, client):
    project = Project.objects.get(external_id="8301")
    failed = {"url": project.logo_url, "state": "failed", "error": "下载超时", "attempts": 1}
    Project.objects.filter(pk=project.pk).update(image_fetch={"logo": failed})
    assert projects_of(api, reader_site.imported)["8301"] is None
    assert api("/projects/8301").json()["logo_url"] is None
    page = client.get(reader_site.imported.get_absolute_url()).content.decode()
    assert 'src="https://img.example.com/qs.png"' not in page and 'class="project-initial"' in page


def test_a_remote_head_image_that_could_not_be_fetched_is_left_out(api, reader_site):
    article = reader_site.imported
    url = article.head_image_url
    assert api(f"/articles/{article.pk}").json()["article"]["head_image"]["url"] == url
    failed = {"url": url, "state": "failed", "error": "下载超时", "attempts": 2}
    type(article).objects.filter(pk=article.pk).update(image_fetch={"head_image": failed})
    content_changed()  # as images_fetch does once it wrote
    response = api(f"/articles/{article.pk}")
    schemas.ArticleDetail.model_validate(response.json())
    assert response.json()["article"]["head_image"] is None


def test_a_stored_head_image_wins_over_its_remote_url(api, reader_site):
    article = reader_site.imported
    article.head_image.save("h.png", ContentFile(png_upload(size=(60, 40)).read()), save=False)
    type(article).objects.filter(pk=article.pk).update(head_image=article.head_image.name)
    image = api(f"/articles/{article.pk}").json()["article"]["head_image"]
    assert image["url"] == f"http://testserver{article.head_image.url}"
