"""``manage.py images_fetch`` against a local HTTP server: success, timeout, oversize,
not-an-image, retry; and pages never show a broken box for a failed image."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article, Project
from articles.services.importing import posts_import
from tests.articles.test_import_images import image_bytes
from tests.articles.test_import_images import image_server as image_server  # the fixture

pytestmark = pytest.mark.django_db


def imported(write_post, headimg, logo=""):
    anchor = f'<a class="project-link" data-id="9" data-name="星河机器人" data-logo="{logo}" href="https://example.com/9">星河</a>'
    write_post(
        "a.md", f"---\ntitle: 图片\ndate: 2022-05-01\nheadimg: '{headimg}'\n---\n<p>提到{anchor}。</p>\n"
    )
    list(posts_import(inputs=[write_post.root]))
    return Article.objects.get()


def fetch(**options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("images_fetch", stdout=out, stderr=err, **options)
    except Exception as error:  # CommandError when nothing could be fetched
        err.write(str(error))
    return out.getvalue(), err.getvalue()


def test_images_fetch_brings_head_images_and_logos_home(write_post, image_server, client):
    head = image_server.route("/head.png", image_bytes())
    logo = image_server.route("/logo.png", image_bytes(size=(48, 48)))
    article = imported(write_post, head, logo)
    out, _err = fetch()
    assert "已下载 2 张，失败 0 张" in out
    article.refresh_from_db()
    project = Project.objects.get()
    assert article.head_image and article.image_fetch["head_image"]["state"] == "fetched"
    assert project.logo and project.logo_src == project.logo.url
    page = client.get(f"/p/{article.pk}/").content.decode()
    assert f'src="{project.logo.url}"' in page and f'src="{logo}"' not in page
    assert fetch()[0].startswith("已下载 0 张，失败 0 张")  # nothing left to fetch


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"body": image_bytes(), "delay": 1.5}, "下载"),  # timeout (0.3 s below)
        ({"body": b"x" * 5000}, "图片"),  # oversize (ARTICLES_IMPORT_IMAGE_MAX_BYTES 4000)
        ({"body": b"<html>not an image</html>"}, "不是可识别的图片"),
    ],
    ids=["timeout", "oversize", "not-an-image"],
)
def test_a_failed_image_is_listed_recorded_and_omitted_from_pages(
    write_post, image_server, settings, client, route, reason
):
    settings.ARTICLES_IMPORT_IMAGE_MAX_BYTES = 4000
    head = image_server.route("/head.png", **route)
    logo = image_server.route("/logo.png", b"not a logo")
    article = imported(write_post, head, logo)
    _out, err = fetch(timeout=0.3)
    assert head in err and logo in err and reason in err
    article.refresh_from_db()
    state = article.image_fetch["head_image"]
    assert (state["state"], state["url"], state["attempts"]) == ("failed", head, 1)
    assert article.head_image_src == ""
    page = client.get(f"/p/{article.pk}/").content.decode()
    # No broken boxes (the anchor's data-logo stays in the body, byte for byte).
    assert f'src="{head}"' not in page and f'src="{logo}"' not in page and head not in page
    assert '<span class="project-initial" aria-hidden="true">星</span>' in page
    project_page = client.get(Project.objects.get().get_absolute_url()).content.decode()
    assert 'class="owner-image project-initial"' in project_page


def test_failures_are_retried_on_the_next_run(write_post, image_server):
    head = image_server.route("/head.png", b"", status=503)
    article = imported(write_post, head)
    fetch()
    article.refresh_from_db()
    assert article.image_fetch["head_image"]["state"] == "failed"
    fetch()
    article.refresh_from_db()
    assert article.image_fetch["head_image"]["attempts"] == 2
    image_server.route("/head.png", image_bytes())
    out, _err = fetch()
    article.refresh_from_db()
    assert "已下载 1 张" in out and article.head_image
    assert article.image_fetch["head_image"] == {"url": head, "state": "fetched", "error": "", "attempts": 3}
    assert image_server.hits.count("/head.png") == 3


def test_the_admin_shows_the_remote_url_and_its_state(write_post, image_server, admin_client):
    head = image_server.route("/head.png", b"nope")
    article = imported(write_post, head)
    fetch()
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert head in page and "下载失败（第 1 次）" in page


def test_images_fetch_does_not_touch_the_articles_version(write_post, image_server):
    article = imported(write_post, image_server.route("/head.png", image_bytes()))
    fetch()
    article.refresh_from_db()
    assert (article.version, article.legacy_version) == (1, 1)
