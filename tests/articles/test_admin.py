import pytest

from articles.models import Article, ProjectMention
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "后台写的文章",
        "body": "<p>正文</p>",
        "excerpt": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "head_image_alt": "",
        "categories": "资讯, 新媒体",
        "tags": "",
        "comments_enabled": "on",
        "source": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "mentions-TOTAL_FORMS": "0",
        "mentions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_add_and_change_pages_render(admin_client):
    article = ArticleFactory()
    assert admin_client.get("/admin/articles/article/add/").status_code == 200
    response = admin_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert "django_ckeditor_5" in response.content.decode()


def test_admin_list_and_other_admins_render(admin_client):
    ArticleFactory()
    for url in ("/admin/articles/article/", "/admin/articles/author/", "/admin/articles/project/"):
        assert admin_client.get(url).status_code == 200, url


def test_saving_through_the_admin_cleans_the_body_and_derives_mentions(admin_client):
    body = (
        '<p>文 | 苏建勋</p><p><a class="project-link" data-id="8301" data-name="钉钉" '
        'data-refer-type="1" href="https://e.example/1">钉钉</a>'
        '<script>alert(1)</script><img src="x.png" onerror="alert(1)"><a href="javascript:alert(1)">x</a></p>'
    )
    response = admin_client.post("/admin/articles/article/add/", form_data(body=body))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    for forbidden in ("<script", "onerror", "javascript:"):
        assert forbidden not in article.body
    assert 'data-id="8301"' in article.body
    assert ProjectMention.objects.get().project.name == "钉钉"
    assert article.credits.get().author.name == "苏建勋"
    assert sorted(article.categories.names()) == ["新媒体", "资讯"]


def test_publish_action_publishes_selected_articles(admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    admin_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None


def test_admin_is_in_chinese_whatever_the_browser_asks(admin_client):
    response = admin_client.get("/admin/articles/article/add/", headers={"accept-language": "en-US,en;q=0.9"})
    content = response.content.decode()
    assert "增加 文章" in content or "添加 文章" in content
    assert "Add 文章" not in content
