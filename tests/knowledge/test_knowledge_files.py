"""Files and images of articles: uploaded by the article's editors into the core's attachment
storage, shown in the published text with the address that fits its visibility, opened by
members without signing in only for a published public article; other organizations get 404."""

from __future__ import annotations

import pytest
from knowledge_support import make_tree, publish, staff, write

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def test_article_files_and_images(unionline_app: AppHarness) -> None:
    h = unionline_app
    t = await make_tree(h)
    editor = await staff(h, "editor", "supervisor", t.region)
    reader = await staff(h, "reader", "operator", t.plant)
    stranger = await staff(h, "stranger", "supervisor", t.other)
    article = await write(
        h, editor, t.region, "Бланк заявления", "Образец ниже.", visibility="public"
    )
    aid = article["id"]

    up = await h.client.post(
        f"/api/knowledge/articles/{aid}/files",
        files={"file": ("Образец.png", PNG, "image/png")},
        headers=editor,
    )
    assert up.status_code == 201, up.text
    image = up.json()
    assert image["markdown"] == f"![Образец.png](/kb/files/{image['id']})"
    doc = await h.client.post(
        f"/api/knowledge/articles/{aid}/files",
        files={"file": ("Заявление.pdf", b"%PDF-1.4", "application/pdf")},
        headers=editor,
    )
    assert doc.json()["markdown"].startswith("[Заявление.pdf](/kb/files/")
    # A plant's operator does not even see the region's draft; an empty or refused file is a
    # 422 naming the field.
    denied = await h.client.post(
        f"/api/knowledge/articles/{aid}/files",
        files={"file": ("x.png", PNG, "image/png")},
        headers=reader,
    )
    assert denied.status_code == 404
    for name, body, kind in (
        ("x.txt", b"", "text/plain"),
        ("x.exe", b"MZ", "application/x-msdownload"),
    ):
        bad = await h.client.post(
            f"/api/knowledge/articles/{aid}/files",
            files={"file": (name, body, kind)},
            headers=editor,
        )
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "file", bad.text

    # Not published yet: members get 404; the editor reads it through the API.
    assert (await h.client.get(f"/kb/files/{image['id']}")).status_code == 404
    own = await h.client.get(f"/api/knowledge/files/{image['id']}", headers=editor)
    assert own.content == PNG and own.headers["content-disposition"].startswith("inline")
    saved = await h.client.put(
        f"/api/knowledge/articles/{aid}",
        json={"revision": article["revision"], "title": article["title"],
              "body": f"Образец ниже.\n\n{image['markdown']}\n\n{doc.json()['markdown']}"},
        headers=editor,
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    published = await publish(h, editor, saved.json())
    assert f'src="/kb/files/{image["id"]}"' in published["published_html"]
    public = await h.client.get(f"/kb/files/{image['id']}")
    assert public.status_code == 200 and public.content == PNG
    listed = await h.client.get(f"/api/knowledge/articles/{aid}/files", headers=reader)
    assert [f["name"] for f in listed.json()] == ["Образец.png", "Заявление.pdf"]

    # Another branch's staff: 404 for the article's files, by list and by id.
    assert (
        await h.client.get(f"/api/knowledge/articles/{aid}/files", headers=stranger)
    ).status_code == 404
    assert (
        await h.client.get(f"/api/knowledge/files/{image['id']}", headers=stranger)
    ).status_code == 404

    # An internal article's file stays behind sign-in, its HTML naming the API address.
    inner = await write(h, editor, t.region, "Для своих", "Текст")
    up = await h.client.post(
        f"/api/knowledge/articles/{inner['id']}/files",
        files={"file": ("Схема.png", PNG, "image/png")},
        headers=editor,
    )
    assert up.json()["markdown"].endswith(f"(/api/knowledge/files/{up.json()['id']})")
    assert (await h.client.get(f"/kb/files/{up.json()['id']}")).status_code == 404
    removed = await h.client.delete(
        f"/api/knowledge/articles/{inner['id']}/files/{up.json()['id']}", headers=editor
    )
    assert removed.status_code == 204
    assert (
        await h.client.get(f"/api/knowledge/files/{up.json()['id']}", headers=editor)
    ).status_code == 404


@pytest.mark.unionline_plugins("knowledge", "web")
async def test_the_site_chat_finds_public_articles(unionline_app: AppHarness) -> None:
    """What a visitor types in the site chat (by its widget key) finds the public articles its
    organization sees — never internal ones, nothing for another key or under three letters."""
    h = unionline_app
    t = await make_tree(h)
    editor = await staff(h, "editor", "supervisor", t.region)
    for title, visibility in (("Перенос отпуска", "public"), ("Отпуск: для своих", "internal")):
        made = await write(h, editor, t.region, title, "Отпуск переносят.", visibility=visibility)
        await publish(h, editor, made)
    boss2 = await staff(h, "boss2", "supervisor", t.other)
    made = await write(h, boss2, t.other, "Отпуск в другом обкоме", "Отпуск.", visibility="public")
    await publish(h, boss2, made)
    r = await h.client.post(
        "/api/channel-accounts/",
        json={"organization_id": str(t.plant), "channel": "web", "name": "Чат",
              "public_key": "zavod-chat", "config": {"allowed_origins": ["https://zavod.example"]},
              "secrets": {"widget_secret": "x" * 32}},
        headers={"Authorization": f"Bearer {h.admin_token}"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    url = "/api/knowledge/public/widget/{}/articles"
    found = await h.client.get(url.format("zavod-chat"), params={"q": "перенести отпуск"})
    assert found.headers["access-control-allow-origin"] == "*"
    assert [a["title"] for a in found.json()] == ["Перенос отпуска"]
    assert found.json()[0]["link"].endswith(f"/kb/{found.json()[0]['id']}")
    for key, q in (("nobody", "перенести отпуск"), ("zavod-chat", "от")):
        assert (await h.client.get(url.format(key), params={"q": q})).json() == []
