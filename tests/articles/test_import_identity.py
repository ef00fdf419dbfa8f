"""A post's identity does not depend on its route; undated posts wait for an editor."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from articles.models import Article
from articles.services.importing import posts_import
from articles.services.importing.identity import ImportRun, Wanted, articles_match, identity_key
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def post(title, body="正文。", date="2022-05-01 10:00:00"):
    date_line = f"date: {date}\n" if date is not None else ""
    return f"---\ntitle: {title}\n{date_line}---\n{body}\n"


def run(*inputs, **kwargs):
    return list(posts_import(inputs=list(inputs), **kwargs))


def zipped(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


def test_the_key_is_the_path_under_a_hexo_sites_posts_or_drafts_folder():
    assert identity_key("blog/source/_posts/科技/芯片.md") == "_posts/科技/芯片.md"
    assert identity_key("_posts/a.md") == "_posts/a.md"
    assert identity_key("old/source/_drafts/a.md") == "_drafts/a.md"
    assert identity_key("新媒体/资讯/钉钉.md") == "新媒体/资讯/钉钉.md"
    assert identity_key("_posts.md") == "_posts.md"


def test_the_same_post_by_directory_zip_with_another_root_and_single_file_is_one_article(
    write_post, tmp_path
):
    path = write_post("blog/source/_posts/科技/芯片.md", post("芯片新品发布"))
    [first] = run(write_post.root)
    assert first.status == "created"
    archive = zipped(tmp_path / "other.zip", {"backup/site/source/_posts/科技/芯片.md": path.read_text()})
    [by_zip] = run(archive)
    assert (by_zip.status, by_zip.matched_by, by_zip.article_id) == ("unchanged", "path", first.article_id)
    [by_file] = run(path)
    assert (by_file.status, by_file.matched_by, by_file.article_id) == (
        "unchanged",
        "content",
        first.article_id,
    )
    assert Article.objects.count() == 1


def test_a_changed_post_from_another_route_updates_its_article_matched_by_title_and_date(
    write_post, tmp_path
):
    write_post("seed/钉钉.md", post("钉钉收购拍乐云", body="第一版。"))
    [first] = run(write_post.root)
    archive = zipped(tmp_path / "upload.zip", {"钉钉.md": post("钉钉收购拍乐云", body="第二版。")})
    [second] = run(archive)
    assert (second.status, second.matched_by, second.article_id) == (
        "updated",
        "title_date",
        first.article_id,
    )
    article = Article.objects.get()
    assert "第二版" in article.body and article.legacy_path == "seed/钉钉.md" and article.version == 2
    # The original route still finds it by its key.
    [third] = run(write_post.root)
    assert (third.status, third.matched_by) == ("updated", "path")


def test_a_front_matter_permalink_identifies_a_post_whose_title_changed(write_post, tmp_path):
    write_post("a.md", post("旧标题", date="2022-05-01 10:00:00\npermalink: news/dingtalk/"))
    [first] = run(write_post.root)
    archive = zipped(
        tmp_path / "x.zip", {"b/a.md": post("新标题", date="2022-05-02 10:00:00\npermalink: news/dingtalk/")}
    )
    [second] = run(archive)
    assert (second.status, second.matched_by, second.article_id) == ("updated", "permalink", first.article_id)
    assert Article.objects.get().title == "新标题"


def test_two_posts_sharing_only_a_title_stay_two_articles(write_post, tmp_path):
    write_post("2021/周报.md", post("本周要闻", date="2021-01-01 08:00:00"))
    run(write_post.root)
    archive = zipped(tmp_path / "y.zip", {"周报.md": post("本周要闻", date="2021-01-08 08:00:00")})
    [second] = run(archive)
    assert (second.status, second.matched_by) == ("created", None)
    assert Article.objects.filter(title="本周要闻").count() == 2


def test_one_import_holding_the_same_post_twice_keeps_both_as_before(write_post):
    write_post("site-a/a.md", post("同题同日"))
    write_post("site-b/a.md", post("同题同日"))
    results = run(write_post.root)
    assert [r.status for r in results] == ["created", "created"]
    assert [r.status for r in run(write_post.root)] == ["unchanged", "unchanged"]
    assert Article.objects.count() == 2


@pytest.mark.parametrize("lock", [False, True])
def test_matching_leaves_out_the_articles_the_run_claimed_before_judging_a_match(lock):
    first, second = (
        ArticleFactory(legacy_path=f"site-{n}/a.md", legacy_hash=f"hash-{n}", legacy_fingerprint="fp")
        for n in (1, 2)
    )
    wanted = [Wanted(key="site-3/a.md", digest="hash-1", fingerprint="fp")]
    assert articles_match(wanted=wanted, run=ImportRun(), lock=lock)["site-3/a.md"].matched_by == "content"
    # Claimed: not its content's match; of the two sharing its fingerprint only the other is left.
    match = articles_match(wanted=wanted, run=ImportRun(claimed={first.pk}), lock=lock)["site-3/a.md"]
    assert (match.article.pk, match.matched_by, match.article.legacy_hash) == (
        second.pk,
        "title_date",
        "hash-2",
    )
    unclaimed = [Wanted(key="site-3/a.md", digest="other", fingerprint="fp")]
    assert articles_match(wanted=unclaimed, run=ImportRun(), lock=lock) == {}  # ambiguous
    keyed = ImportRun(keys={"site-2/a.md"}, claimed={first.pk})
    assert articles_match(wanted=unclaimed, run=keyed, lock=lock) == {}


def test_the_dry_run_reports_what_the_import_then_does(write_post, tmp_path):
    write_post("seed/钉钉.md", post("钉钉收购拍乐云", body="第一版。"))
    run(write_post.root)
    archive = zipped(
        tmp_path / "z.zip", {"钉钉.md": post("钉钉收购拍乐云", body="第二版。"), "新.md": post("新文章")}
    )
    planned = [(r.path, r.status, r.matched_by) for r in run(archive, dry_run=True)]
    done = [(r.path, r.status, r.matched_by) for r in run(archive)]
    assert planned == done == [("新.md", "created", None), ("钉钉.md", "updated", "title_date")]


def test_an_editor_changed_article_matched_by_another_route_is_skipped(write_post, tmp_path):
    from articles.services.articles import article_save

    write_post("seed/钉钉.md", post("钉钉收购拍乐云", body="第一版。"))
    run(write_post.root)
    article = Article.objects.get()
    article.excerpt = "编辑写的摘要"
    article_save(article=article)
    archive = zipped(tmp_path / "z.zip", {"钉钉.md": post("钉钉收购拍乐云", body="第二版。")})
    [second] = run(archive)
    assert (second.status, second.matched_by) == ("skipped", "title_date")
    assert "第一版" in Article.objects.get().body


def test_the_admin_import_page_reports_a_reupload_as_unchanged_and_how_it_matched(client, write_post):
    text = post("钉钉收购拍乐云")
    write_post("seed/钉钉.md", text)
    run(write_post.root)
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="import_articles"), Permission.objects.get(codename="view_article")
    )
    client.force_login(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("导出/钉钉.md", text)
    upload = SimpleUploadedFile("两篇.zip", buffer.getvalue(), content_type="application/zip")
    response = client.post("/admin/articles/import/", {"files": [upload]})
    assert response.context["report"]["summary"]["unchanged"] == 1
    assert response.context["report"]["files"][0]["matched_by"] == "content"
    assert "按内容相同匹配" in response.content.decode()
    assert Article.objects.count() == 1


# --- no made-up dates ---------------------------------------------------------------------


@pytest.mark.parametrize("date", [None, "Invalid Date", "2020-09-06 22:010:17"])
def test_an_undated_post_is_a_draft_in_review_with_the_files_time(write_post, date):
    write_post("快讯.md", post("快讯", date=date))
    [result] = run(write_post.root)
    article = Article.objects.get()
    assert article.status == Article.Status.REVIEW and article.date_unverified
    assert article.published_at is not None  # Hexo's date: the file's modification time
    assert result.date_unverified and any(w.startswith("日期待核实") for w in result.warnings)
    assert not Article.objects.published().exists()


def test_publish_undated_keeps_hexos_behaviour(write_post):
    write_post("快讯.md", post("快讯", date="Invalid Date"))
    call_command("import_markdown", str(write_post.root), publish_undated=True, stdout=io.StringIO())
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and article.date_unverified


def test_a_dated_post_is_published_and_not_flagged(write_post):
    write_post("a.md", post("有日期"))
    [result] = run(write_post.root)
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and not article.date_unverified
    assert not result.date_unverified
    assert article.published_at == datetime(2022, 5, 1, 10, tzinfo=SHANGHAI)


def test_the_admin_lists_undated_articles_under_their_filter(admin_client, write_post):
    write_post("a.md", post("核实过的文章"))
    write_post("b.md", post("没有日期的文章", date=None))
    run(write_post.root)
    page = admin_client.get("/admin/articles/article/", {"date_unverified": "yes"}).content.decode()
    assert "日期待核实" in page and "没有日期的文章" in page and "核实过的文章" not in page
