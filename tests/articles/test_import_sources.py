"""Where posts come from: directories, single files and .zip archives, with their safety limits."""

import io
import stat
import zipfile

import pytest

from articles.models import Article
from articles.services.importing import posts_import

pytestmark = pytest.mark.django_db

POST = "---\ntitle: {title}\ndate: 2022-05-01\n---\n正文。\n"


def run(*inputs, **kwargs):
    return {result.path: result for result in posts_import(inputs=inputs, **kwargs)}


class Upload(io.BytesIO):
    """A file as the admin's upload form hands it over."""

    def __init__(self, name, data):
        super().__init__(data)
        self.name, self.size = name, len(data)


def make_zip(path, members):
    """members: name -> text/bytes, or (ZipInfo, data) pairs for odd members."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            if isinstance(member, tuple):
                archive.writestr(*member)
            else:
                archive.writestr(member, POST.format(title=member.rsplit("/", 1)[-1]))
    return path


def test_a_directory_is_read_recursively_skipping_hidden_folders_and_other_files(write_post):
    write_post("2021/03/a.md", POST.format(title="a"))
    write_post("b.markdown", POST.format(title="b"))
    write_post("notes.txt", "not a post")
    write_post(".git/c.md", POST.format(title="hidden"))
    write_post("images/d.png", b"\x89PNG")
    assert {path: r.status for path, r in run(write_post.root).items()} == {
        "2021/03/a.md": "created",
        "b.markdown": "created",
    }


def test_a_single_file_is_keyed_by_its_name(write_post):
    path = write_post("deep/folder/a.md", POST.format(title="a"))
    assert list(run(path)) == ["a.md"]


def test_a_missing_path_fails_and_the_rest_goes_on(write_post, tmp_path):
    write_post("a.md", POST.format(title="a"))
    results = run(tmp_path / "missing", write_post.root)
    assert results[str(tmp_path / "missing")].error == "文件或目录不存在"
    assert results["a.md"].status == "created"


def test_a_file_over_the_size_limit_fails(write_post, settings):
    settings.ARTICLES_IMPORT_MAX_FILE_BYTES = 100
    write_post("big.md", POST.format(title="x" * 200))
    write_post("small.md", POST.format(title="小"))
    results = run(write_post.root)
    assert results["big.md"].status == "failed"
    assert results["big.md"].error.startswith("文件过大")
    assert results["small.md"].status == "created"


def test_a_zip_archive_imports_its_posts_keyed_by_their_paths_inside_it(tmp_path):
    archive = make_zip(tmp_path / "site.zip", ["posts/科技/一.md", "posts/二.md", "__MACOSX/posts/._二.md"])
    results = run(archive)
    assert {path: r.status for path, r in results.items()} == {
        "posts/二.md": "created",
        "posts/科技/一.md": "created",
    }
    assert sorted(Article.objects.values_list("legacy_path", flat=True)) == [
        "posts/二.md",
        "posts/科技/一.md",
    ]
    assert {r.status for r in run(archive).values()} == {"unchanged"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../escape.md", "越出了导入目录"),
        ("posts/../../escape.md", "越出了导入目录"),
        ("/etc/passwd.md", "绝对路径"),
        ("C:/Windows/evil.md", "绝对路径"),
        ("..\\windows-escape.md", "越出了导入目录"),
    ],
)
def test_zip_members_that_escape_the_import_root_fail(tmp_path, name, reason):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), POST.format(title="evil"))
        zf.writestr("ok.md", POST.format(title="ok"))
    results = run(archive)
    assert results[name].status == "failed" and reason in results[name].error
    assert results["ok.md"].status == "created"
    assert Article.objects.count() == 1


def mark_encrypted(path, name):
    """Set the "encrypted" flag of member ``name`` (zipfile cannot write encrypted members)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(name).header_offset
    data[offset + 6] |= 0x1  # general purpose flags of the local file header
    position = data.find(b"PK\x01\x02")
    while position != -1:  # the central directory entries
        length = int.from_bytes(data[position + 28 : position + 30], "little")
        if data[position + 46 : position + 46 + length] == name.encode():
            data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))


def test_symlinks_and_encrypted_members_in_a_zip_are_refused(tmp_path):
    link = zipfile.ZipInfo("link.md")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(tmp_path / "odd.zip", [(link, "/etc/passwd"), "locked.md"])
    mark_encrypted(archive, "locked.md")
    results = run(archive)
    assert "符号链接" in results["link.md"].error
    assert "加密" in results["locked.md"].error
    assert Article.objects.count() == 0


def test_a_zip_member_over_the_size_limit_fails(tmp_path, settings):
    settings.ARTICLES_IMPORT_MAX_FILE_BYTES = 1000
    archive = make_zip(tmp_path / "a.zip", [("big.md", POST.format(title="x" * 2000)), "small.md"])
    results = run(archive)
    assert results["big.md"].error.startswith("文件过大")
    assert results["small.md"].status == "created"


def test_a_zip_bomb_member_is_refused_by_its_compression_ratio(tmp_path):
    bomb = POST.format(title="bomb") + "\n" + "0" * (3 * 1024 * 1024)
    archive = make_zip(tmp_path / "bomb.zip", [("bomb.md", bomb), "fine.md"])
    results = run(archive)
    assert "压缩比异常" in results["bomb.md"].error
    assert results["fine.md"].status == "created"


def test_an_archive_over_the_total_size_limit_fails_before_anything_is_read(tmp_path, settings):
    settings.ARTICLES_IMPORT_MAX_ARCHIVE_BYTES = 100
    archive = make_zip(tmp_path / "big.zip", ["a.md", "b.md", "c.md"])
    results = run(archive)
    assert list(results) == ["big.zip"]
    assert results["big.zip"].error.startswith("压缩包解压后过大")
    assert Article.objects.count() == 0


def test_an_archive_with_too_many_members_fails(tmp_path, settings):
    settings.ARTICLES_IMPORT_MAX_ARCHIVE_MEMBERS = 2
    archive = make_zip(tmp_path / "many.zip", ["a.md", "b.md", "c.md"])
    assert run(archive)["many.zip"].error == "压缩包内文件过多（3 个，上限 2 个）"


def test_a_file_named_zip_that_is_not_an_archive_fails(tmp_path):
    (tmp_path / "fake.zip").write_bytes(b"not a zip")
    assert run(tmp_path / "fake.zip")["fake.zip"].error.startswith("不是有效的 .zip 压缩包")


def test_uploaded_files_and_archives_are_inputs_too(tmp_path):
    archive = make_zip(tmp_path / "x.zip", ["in-zip.md"]).read_bytes()
    results = run(Upload("单篇.md", POST.format(title="单篇").encode()), Upload("x.zip", archive))
    assert {path: r.status for path, r in results.items()} == {"单篇.md": "created", "in-zip.md": "created"}


def zip_with_raw_name(path, raw_name: bytes):
    """An archive whose member name is ``raw_name`` without the UTF-8 flag, as Windows and
    Info-ZIP write them (zipfile itself always flags non-ASCII names as UTF-8)."""
    placeholder = b"p" * (len(raw_name) - 3) + b".md"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(placeholder.decode(), POST.format(title="编码"))
    path.write_bytes(path.read_bytes().replace(placeholder, raw_name))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_zip_member_names_without_the_utf8_flag_are_decoded(tmp_path, encoding):
    archive = zip_with_raw_name(tmp_path / "names.zip", "新媒体/快讯.md".encode(encoding))
    with zipfile.ZipFile(archive) as check:
        assert not check.infolist()[0].flag_bits & 0x800
    assert list(run(archive)) == ["新媒体/快讯.md"]


# --- hostile names: each fails alone, under a printable form of its name --------------------


def zip_with_raw_names(path, raw_names: list[bytes], *, utf8_flag: bool = False):
    """An archive with the good post ``好.md`` and one member per raw name (bytes as they are
    stored in the archive, optionally flagged as UTF-8 whatever they hold)."""
    placeholders = [chr(ord("Q") + index).encode() * len(raw) for index, raw in enumerate(raw_names)]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("好.md", POST.format(title="好"))
        for placeholder in placeholders:
            info = zipfile.ZipInfo(placeholder.decode())
            if utf8_flag:
                info.flag_bits |= 0x800
            archive.writestr(info, POST.format(title="坏"))
    data = path.read_bytes()
    for placeholder, raw in zip(placeholders, raw_names, strict=True):
        data = data.replace(placeholder, raw)  # in the local header and the central directory
    path.write_bytes(data)
    return path


HOSTILE_NAMES = [
    (b"a\x00b.md", "a\\x00b.md", "文件名含有 NUL 字符"),
    (b"evil.md\x00.txt", "evil.md\\x00.txt", "文件名含有 NUL 字符"),
    (b"bell\x07.md", "bell\\x07.md", "文件名含有控制字符"),
    (b"esc\x1b[31m.md", "esc\\x1b[31m.md", "文件名含有控制字符"),
    (b"del\x7f.md", "del\\x7f.md", "文件名含有控制字符"),
    ("gpj\u202e.md".encode(), "gpj\\u202e.md", "文件名含有控制字符"),
    ("c1\u0085.md".encode(), "c1\\x85.md", "文件名含有控制字符"),
]


@pytest.mark.parametrize("utf8_flag", [False, True], ids=["unflagged", "utf8-flagged"])
def test_zip_members_with_nul_or_control_characters_in_their_names_fail_alone(tmp_path, utf8_flag):
    archive = zip_with_raw_names(
        tmp_path / "h.zip", [raw for raw, _s, _r in HOSTILE_NAMES], utf8_flag=utf8_flag
    )
    results = run(archive)
    assert results["好.md"].status == "created"
    for _raw, shown, reason in HOSTILE_NAMES:
        assert results[shown].status == "failed" and reason in results[shown].error, shown
    assert Article.objects.count() == 1


@pytest.mark.parametrize("utf8_flag", [False, True], ids=["unflagged", "utf8-flagged"])
def test_zip_members_whose_names_are_in_no_known_encoding_fail_alone(tmp_path, utf8_flag):
    """``\\xff\\xfe`` is neither UTF-8 nor GB18030; a UTF-8 flag that says otherwise used to stop
    zipfile reading the whole archive (UnicodeDecodeError)."""
    archive = zip_with_raw_names(tmp_path / "e.zip", [b"bad\xff\xfe.md"], utf8_flag=utf8_flag)
    results = run(archive)
    assert results["好.md"].status == "created"
    assert results["bad\\xff\\xfe.md"].status == "failed"
    assert "文件名的编码无法识别" in results["bad\\xff\\xfe.md"].error


def test_a_utf8_flag_that_lies_does_not_hide_the_other_members_names(tmp_path):
    archive = zip_with_raw_names(
        tmp_path / "m.zip", [b"bad\xff.md", "新媒体/快讯.md".encode()], utf8_flag=True
    )
    results = run(archive)
    assert {path: r.status for path, r in results.items()} == {
        "好.md": "created",
        "bad\\xff.md": "failed",
        "新媒体/快讯.md": "created",
    }


def test_an_overlong_member_name_fails_with_its_length_and_a_shortened_name(tmp_path):
    name = "长" * 1200 + ".md"
    results = run(make_zip(tmp_path / "long.zip", ["好.md", name]))
    assert results["好.md"].status == "created"
    [(shown, failed)] = [(path, r) for path, r in results.items() if r.status == "failed"]
    assert failed.error == "路径过长（1203 个字符，上限 1000）"
    assert len(shown) == 300 and shown.endswith("…")


def test_files_on_disk_with_control_characters_or_undecodable_names_fail_alone(write_post):
    write_post("好.md", POST.format(title="好"))
    write_post("tab\there.md", POST.format(title="坏"))
    root = bytes(write_post.root)
    with open(root + b"/bad\xff.md", "wb") as handle:  # not UTF-8: os.walk gives surrogates
        handle.write(POST.format(title="坏").encode())
    results = run(write_post.root)
    assert results["好.md"].status == "created"
    assert "控制字符" in results["tab\\there.md"].error
    assert "编码无法识别" in results["bad\\xff.md"].error


def test_uploaded_files_with_hostile_names_fail_alone():
    results = run(Upload("好.md", POST.format(title="好").encode()), Upload("a\x1b.md", b"x"))
    assert results["好.md"].status == "created"
    assert results["a\\x1b.md"].status == "failed"
