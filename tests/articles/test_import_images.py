"""``--fetch-images`` against a local HTTP server (in a thread, on a port in 8300-8399)."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from PIL import Image

from articles.models import Article
from articles.services.importing import posts_import

pytestmark = pytest.mark.django_db

PORTS = range(8300, 8400)


def image_bytes(image_format="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def image_server():
    routes: dict[str, tuple] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            status, body, headers, delay = routes.get(self.path, (404, b"missing", {}, 0))
            if delay:
                time.sleep(delay)
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    else:
        pytest.fail("no free port in 8300-8399")
    server.daemon_threads = False  # server_close() waits for handlers: no thread outlives the test
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def route(path, body, status=200, headers=None, delay=0):
        routes[path] = (status, body, headers or {}, delay)
        return base + path

    yield SimpleNamespace(url=base, route=route, hits=hits)
    server.shutdown()
    server.server_close()


def write(write_post, headimg, thumbnail="", name="a.md"):
    return write_post(
        name,
        f"---\ntitle: 图片\ndate: 2022-05-01\nheadimg: '{headimg}'\nthumbnail: '{thumbnail}'\n---\n正文\n",
    )


def run(root, **kwargs):
    return list(posts_import(inputs=[root], **kwargs))


def test_head_image_and_thumbnail_are_downloaded_verified_and_stored(write_post, image_server):
    head = image_server.route("/head.png", image_bytes("PNG"))
    thumb = image_server.route(
        "/path/thumb.jpg?x=1", image_bytes("JPEG"), headers={"Content-Type": "image/jpeg"}
    )
    write(write_post, head, thumb)
    (result,) = run(write_post.root, fetch_images=True)
    assert result.status == "created" and result.warnings == []
    article = Article.objects.get()
    assert article.head_image.name.startswith("heads/") and article.head_image.name.endswith(".png")
    assert article.thumbnail.name.startswith("thumbs/") and article.thumbnail.name.endswith(".jpg")
    with Image.open(article.head_image.path) as stored:
        assert stored.size == (40, 30)
    assert article.head_image_url == head  # the source URL is kept
    assert article.head_image_src == article.head_image.url
    assert (article.version, article.legacy_version) == (1, 1)  # the import's own write


def test_without_the_flag_no_network_is_touched(write_post, image_server):
    write(write_post, image_server.route("/head.png", image_bytes()))
    run(write_post.root)
    run(write_post.root, fetch_images=True, dry_run=True)
    assert image_server.hits == []
    assert not Article.objects.get().head_image


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (("/missing.png", b"nope", 404), "下载失败"),
        (("/page.png", b"<html>not an image</html>"), "不是可识别的图片"),
        (("/icon.bmp", None), "不支持 BMP 格式"),
        (("/huge.png", b"x" * 5000), "图片过大"),
    ],
)
def test_a_failed_download_keeps_the_remote_url_with_a_warning(
    write_post, image_server, settings, route, reason
):
    settings.ARTICLES_IMPORT_IMAGE_MAX_BYTES = 4000
    path, body, *status = route
    if body is None:
        body = image_bytes("BMP", (10, 10))
    url = image_server.route(path, body, *status)
    write(write_post, url)
    (result,) = run(write_post.root, fetch_images=True)
    assert result.status == "created"
    (warning,) = result.warnings
    assert warning.startswith(f"headimg 图片 {url} 未能下载（") and reason in warning
    assert warning.endswith("可稍后运行 images_fetch 重试")
    article = Article.objects.get()
    # The remote URL is kept (images_fetch tries it again); pages omit the failed image.
    assert not article.head_image and article.head_image_url == url and article.head_image_src == ""
    assert article.image_fetch["head_image"]["state"] == "failed"


def test_a_body_larger_than_the_limit_is_cut_off_even_without_content_length(
    write_post, image_server, settings
):
    settings.ARTICLES_IMPORT_IMAGE_MAX_BYTES = 4000
    url = image_server.route("/stream.png", b"x" * 5000, headers={"Content-Length": "10"})
    write(write_post, url)
    (result,) = run(write_post.root, fetch_images=True)
    assert "未能下载" in result.warnings[0]


def test_a_slow_server_times_out(write_post, image_server, settings):
    settings.ARTICLES_IMPORT_IMAGE_TIMEOUT = 0.3
    write(write_post, image_server.route("/slow.png", image_bytes(), delay=1.0))
    (result,) = run(write_post.root, fetch_images=True)
    assert "下载失败" in result.warnings[0] and "timed out" in result.warnings[0]


@pytest.mark.parametrize("target", ["ftp://example.com/a.png", "file:///etc/passwd"])
def test_redirects_may_only_lead_to_http(write_post, image_server, target):
    write(write_post, image_server.route("/jump.png", b"", 302, {"Location": target}))
    (result,) = run(write_post.root, fetch_images=True)
    assert "未能下载" in result.warnings[0] and target in result.warnings[0]
    assert not Article.objects.get().head_image


def test_only_http_urls_are_fetched(write_post):
    write(write_post, "ftp://example.com/a.png")
    (result,) = run(write_post.root, fetch_images=True)
    assert result.warnings == [
        "headimg 图片 ftp://example.com/a.png 未能下载（不是 http(s) 地址）：可稍后运行 images_fetch 重试"
    ]


def test_a_later_run_with_the_flag_fetches_images_of_unchanged_articles_once(write_post, image_server):
    write(write_post, image_server.route("/head.png", image_bytes()))
    run(write_post.root)
    (result,) = run(write_post.root, fetch_images=True)
    assert result.status == "unchanged" and Article.objects.get().head_image
    run(write_post.root, fetch_images=True)
    assert image_server.hits == ["/head.png"]


def test_the_command_takes_the_flag(write_post, image_server):
    write(write_post, image_server.route("/head.png", image_bytes()))
    call_command("import_markdown", str(write_post.root), "--fetch-images", stdout=io.StringIO())
    assert Article.objects.get().head_image


def test_a_changed_image_url_replaces_the_stored_copy(write_post, image_server):
    path = write(write_post, image_server.route("/old.png", image_bytes()))
    run(write_post.root, fetch_images=True)
    old_name = Article.objects.get().head_image.name
    assert old_name.endswith(".png")
    new = image_server.route("/new.png", image_bytes("JPEG"))
    path.write_text(
        path.read_text(encoding="utf-8").replace(image_server.url + "/old.png", new), encoding="utf-8"
    )
    (result,) = run(write_post.root)
    article = Article.objects.get()
    assert result.status == "updated" and not article.head_image and article.head_image_src == new
    run(write_post.root, fetch_images=True)
    new_name = Article.objects.get().head_image.name
    assert new_name.endswith(".jpg") and new_name != old_name


def test_a_fetched_head_image_is_normalised_and_gets_renditions(write_post, image_server):
    write(write_post, image_server.route("/head.png", image_bytes()))
    run(write_post.root, fetch_images=True)
    article = Article.objects.get()
    assert {(r.spec, r.format) for r in article.renditions.all()} >= {
        ("fill-400x300", "WEBP"),
        ("width-800", "PNG"),
    }


def test_fetched_images_and_their_renditions_keep_only_their_pixels(write_post, image_server):
    from pathlib import Path

    from tests.image_files import dirty, leftovers

    head = image_server.route("/dirty.jpg", dirty("JPEG"), headers={"Content-Type": "image/jpeg"})
    thumb = image_server.route("/dirty.png", dirty("PNG"), headers={"Content-Type": "image/png"})
    write(write_post, head, thumb)
    (result,) = run(write_post.root, fetch_images=True)
    assert result.warnings == []
    article = Article.objects.get()
    stored = [
        article.head_image.path,
        article.thumbnail.path,
        *(r.file.path for r in article.renditions.all()),
    ]
    assert len(stored) == 8
    for path in stored:
        assert leftovers(Path(path).read_bytes()) == [], path
