// Writing on the page «База знаний»: the editor of an article or an override (a save names
// the revision it started from; when a colleague saved first the server answers 409 and the
// editor keeps the text, shows the colleague's changes and takes their revision, so the next
// save loses nothing), publishing, the history, a new article, a new override, the drafts.

import { card, chips } from "./page.js";
import { filesBox } from "./files.js";
import { ui } from "./ui.js";

function go(path) {
  location.hash = `#/work/knowledge${path ? `/${path}` : ""}`;
}

function diffList(lines) {
  const { h } = ui;
  return h(
    "ol",
    { class: "kb-diff" },
    lines.map((line) => (line.op === "@" ? h("li", { class: "kb-diff-gap" }, "…") : h("li", { class: `kb-diff-line op-${line.op === "+" ? "add" : line.op === "-" ? "del" : "same"}` }, h("span", { class: "kb-diff-op", "aria-hidden": "true" }, line.op), line.op === "+" ? h("ins", {}, line.text) : line.op === "-" ? h("del", {}, line.text) : line.text))),
  );
}

async function organizations() {
  const all = await ui.api.get("/api/organizations/");
  return all.filter((org) => !org.archived);
}

function orgSelect(orgs, chosen) {
  const { h } = ui;
  return h("select", { name: "organization_id" }, orgs.map((org) => h("option", { value: org.id, selected: org.id === chosen }, `${"— ".repeat(org.depth)}${org.name}`)));
}

export async function drawEditor(page, id) {
  const { h, t, forms } = ui;
  let article = await ui.api.get(`/api/knowledge/articles/${id}`);
  const title = h("input", { name: "title", value: article.title, required: true, maxlength: 300 });
  const body = h("textarea", { name: "body", rows: 16, class: "kb-source" });
  body.value = article.body;
  const tags = h("input", { name: "tags", value: (article.tags || []).join(", ") });
  const visibility = h("select", { name: "visibility" }, ["internal", "public"].map((v) => h("option", { value: v, selected: v === article.visibility }, t(`kb.${v}`))));
  const note = h("input", { name: "note", maxlength: 300 });
  const status = h("div", { class: "kb-status", "aria-live": "polite" });
  const conflict = h("div", { class: "kb-conflict" });
  const history = h("div", { class: "kb-history" });
  const baseNotice = h("div", { class: "kb-base" });

  const drawStatus = () => {
    ui.replace(status, chips(article), h("p", { class: "muted" }, article.published_revision ? t("kb.published_version", { n: article.published_revision }) : t("kb.not_published"), " · ", t("kb.version", { n: article.revision })));
  };
  const move = async (next, at) => {
    try {
      article = await ui.api.post(`/api/knowledge/articles/${article.id}/status`, { status: next, revision: article.revision, at: at || undefined });
      ui.toast(t(`kb.status.${article.status}`));
      drawStatus();
      drawButtons();
    } catch (error) {
      ui.toastError(error);
    }
  };
  const when = h("input", { type: "datetime-local", name: "publish_at", "aria-label": t("kb.publish_at") });
  const buttons = h("div", { class: "kb-buttons" });
  const drawButtons = () => {
    ui.replace(
      buttons,
      h("button", { type: "submit", class: "primary" }, t("kb.save")),
      article.status === "draft" ? h("button", { type: "button", onclick: () => move("review") }, t("kb.to_review")) : null,
      article.can_publish && article.status !== "published" ? h("button", { type: "button", class: "kb-publish", onclick: () => move("published") }, t("kb.publish")) : null,
      article.can_publish ? h("span", { class: "kb-when" }, when, h("button", { type: "button", onclick: () => when.value && move("published", new Date(when.value).toISOString()) }, t("kb.schedule"))) : null,
      article.status === "review" ? h("button", { type: "button", onclick: () => move("draft") }, t("kb.to_draft")) : null,
      article.can_publish && article.status !== "archived" ? h("button", { type: "button", onclick: () => move("archived") }, t("kb.archive")) : null,
    );
  };
  const save = async (event) => {
    event.preventDefault();
    forms.clearErrors(form);
    const data = { revision: article.revision, title: title.value, body: body.value, visibility: visibility.value, note: note.value, tags: tags.value.split(",").map((x) => x.trim()).filter(Boolean) };
    try {
      article = await ui.api.request("PUT", `/api/knowledge/articles/${article.id}`, { body: data });
      ui.replace(conflict);
      note.value = "";
      ui.toast(t("kb.saved", { n: article.revision }));
      drawStatus();
      drawButtons();
      drawHistory();
    } catch (error) {
      if (error.status !== 409 || !error.extra || error.extra.revision == null) return forms.showError(form, error);
      // Nothing is lost: the operator's text stays in the form; the colleague's changes are
      // shown and their revision taken, so saving again (after merging) goes through.
      article = { ...article, revision: error.extra.revision };
      ui.replace(conflict, h("div", { class: "notice warn", role: "alert" }, h("p", {}, t("kb.conflict", { n: error.extra.revision })), h("h3", {}, t("kb.their_changes")), diffList(error.extra.diff || [])));
      drawStatus();
    }
  };
  const drawHistory = async () => {
    const revisions = await ui.api.get(`/api/knowledge/articles/${article.id}/revisions`);
    ui.replace(
      history,
      h("details", {},
        h("summary", {}, t("kb.history")),
        h("ul", { class: "kb-revisions" }, revisions.map((r) => h("li", {},
          h("span", {}, t("kb.version", { n: r.number }), " · ", ui.format.fullTime(r.created_at), r.note ? ` · ${r.note}` : ""),
          r.number !== article.revision ? [
            h("button", { type: "button", class: "small", onclick: async () => {
              const diff = await ui.api.get(`/api/knowledge/articles/${article.id}/diff`, { old: r.number, new: article.revision });
              ui.replace(conflict, h("div", { class: "notice" }, h("h3", {}, t("kb.compare"), ": ", t("kb.version", { n: r.number })), diffList(diff.lines)));
            } }, t("kb.compare")),
            h("button", { type: "button", class: "small", onclick: async () => {
              try {
                article = await ui.api.post(`/api/knowledge/articles/${article.id}/revisions/${r.number}/restore`, { base_revision: article.revision });
                title.value = article.title;
                body.value = article.body;
                drawStatus();
                drawHistory();
              } catch (error) { ui.toastError(error); }
            } }, t("kb.restore")),
          ] : null,
        ))),
      ),
    );
  };
  const drawBase = async () => {
    if (!article.base_id || !article.base_changed) return ui.replace(baseNotice);
    const diff = await ui.api.get(`/api/knowledge/articles/${article.id}/base-diff`);
    ui.replace(baseNotice, h("div", { class: "notice warn" },
      h("h3", {}, t("kb.base_changed")),
      h("p", {}, t("kb.base_changed_help")),
      diffList(diff.lines),
      h("button", { type: "button", onclick: async () => {
        try {
          article = await ui.api.post(`/api/knowledge/articles/${article.id}/rebase`, { base_revision: article.base_published_revision });
          ui.toast(t("kb.rebased"));
          drawBase();
          drawStatus();
        } catch (error) { ui.toastError(error); }
      } }, t("kb.rebase")),
    ));
  };
  const form = h(
    "form",
    { class: "admin-form kb-editor", onsubmit: save },
    forms.field("title", t("kb.title_field"), title, { required: true }),
    forms.field("body", t("kb.body_field"), body, { help: t("kb.body_help") }),
    article.can_edit === false ? null : filesBox(article.id, body),
    forms.field("tags", t("kb.tags_field"), tags),
    forms.field("visibility", t("kb.visibility"), visibility),
    forms.field("note", t("kb.note_field"), note),
    h("p", { class: "form-error", role: "alert" }),
    buttons,
  );
  ui.replace(page, h("p", {}, h("a", { href: `#/work/knowledge/${article.id}` }, t("kb.back"))), h("div", { class: "admin-head" }, h("h2", {}, article.base_id ? t("kb.override_of") : t("kb.edit"))), status, baseNotice, conflict, form, history);
  drawStatus();
  drawButtons();
  drawHistory();
  drawBase();
}

export async function drawNew(page) {
  const { h, t, forms } = ui;
  const orgs = await organizations();
  const org = orgSelect(orgs, orgs[0] && orgs[0].id);
  const title = h("input", { name: "title", required: true, maxlength: 300 });
  const body = h("textarea", { name: "body", rows: 12, class: "kb-source" });
  const visibility = h("select", { name: "visibility" }, ["internal", "public"].map((v) => h("option", { value: v }, t(`kb.${v}`))));
  const form = h(
    "form",
    { class: "admin-form", onsubmit: async (event) => {
      event.preventDefault();
      forms.clearErrors(form);
      try {
        const created = await ui.api.post("/api/knowledge/articles", { organization_id: org.value, title: title.value, body: body.value, visibility: visibility.value });
        go(`edit/${created.id}`);
      } catch (error) { forms.showError(form, error); }
    } },
    forms.field("organization_id", t("kb.organization"), org),
    forms.field("title", t("kb.title_field"), title, { required: true }),
    forms.field("body", t("kb.body_field"), body, { help: t("kb.body_help") }),
    forms.field("visibility", t("kb.visibility"), visibility),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "kb-buttons" }, h("button", { type: "submit", class: "primary" }, t("kb.save"))),
  );
  ui.replace(page, h("p", {}, h("a", { href: "#/work/knowledge" }, t("kb.back"))), h("div", { class: "admin-head" }, h("h2", {}, t("kb.new"))), form);
}

export async function drawOverride(page, id) {
  const { h, t, forms } = ui;
  const [base, orgs] = await Promise.all([ui.api.get(`/api/knowledge/articles/${id}`), organizations()]);
  const below = orgs.filter((org) => org.id !== base.organization_id);
  const org = orgSelect(below, below[0] && below[0].id);
  const mode = h("select", { name: "mode" }, h("option", { value: "whole" }, t("kb.override_whole")), h("option", { value: "sections" }, t("kb.override_sections")));
  const form = h(
    "form",
    { class: "admin-form", onsubmit: async (event) => {
      event.preventDefault();
      forms.clearErrors(form);
      try {
        const created = await ui.api.post(`/api/knowledge/articles/${id}/overrides`, { organization_id: org.value, mode: mode.value });
        go(`edit/${created.id}`);
      } catch (error) { forms.showError(form, error); }
    } },
    forms.field("organization_id", t("kb.organization"), org),
    forms.field("mode", t("kb.override"), mode),
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "kb-buttons" }, h("button", { type: "submit", class: "primary" }, t("kb.save"))),
  );
  ui.replace(page, h("p", {}, h("a", { href: `#/work/knowledge/${id}` }, t("kb.back"))), h("div", { class: "admin-head" }, h("h2", {}, t("kb.override"), ": ", base.published_title || base.title)), form);
}

export async function drawEditing(page) {
  const { h, t } = ui;
  const items = await ui.api.get("/api/knowledge/editing", { limit: 100 });
  ui.replace(
    page,
    h("p", {}, h("a", { href: "#/work/knowledge" }, t("kb.back"))),
    h("div", { class: "admin-head" }, h("h2", {}, t("kb.editing"))),
    items.length ? h("ul", { class: "admin-cards" }, items.map((item) => card(item, `#/work/knowledge/edit/${item.id}`))) : h("p", { class: "muted" }, t("kb.empty")),
  );
}
