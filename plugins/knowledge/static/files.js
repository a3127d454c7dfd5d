// «Файлы и изображения» in an article's editor: upload (the multipart part "file", through the
// plugin's route with the CSRF cookie echoed), the list with «Вставить в текст» putting the
// file's Markdown (an image, or a link) at the caret of the text, and «Удалить». A refused
// file (empty, too large, a type not kept: 422 at ``file``) is said under the file input.

import { ui } from "./ui.js";

function insertAt(area, text) {
  const start = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? start;
  const before = area.value.slice(0, start);
  const gap = before && !before.endsWith("\n") ? "\n\n" : "";
  area.value = `${before}${gap}${text}\n${area.value.slice(end)}`;
  area.focus();
  const caret = before.length + gap.length + text.length + 1;
  area.setSelectionRange(caret, caret);
}

export function filesBox(articleId, body) {
  const { h, t } = ui;
  const list = h("ul", { class: "plain kb-files-list" });
  const box = h("section", { class: "kb-files", "aria-label": t("kb.files") });

  async function load() {
    let files = [];
    try {
      files = await ui.api.get(`/api/knowledge/articles/${articleId}/files`);
    } catch (error) {
      ui.toastError(error);
    }
    ui.replace(list, files.length ? files.map((f) => h("li", { dataset: { file: f.id } },
      h("a", { href: f.url, target: "_blank", rel: "noopener" }, f.name), " ",
      h("button", { type: "button", class: "kb-file-insert", onclick: () => insertAt(body, f.markdown) }, t("kb.file_insert")), " ",
      h("button", { type: "button", class: "kb-file-remove", "aria-label": t("kb.file_remove", { name: f.name }), title: t("kb.file_remove", { name: f.name }),
        onclick: async () => { try { await ui.api.del(`/api/knowledge/articles/${articleId}/files/${f.id}`); load(); } catch (error) { ui.toastError(error); } } }, "×")))
      : h("li", { class: "muted" }, t("kb.no_files")));
  }

  async function upload(files) {
    ui.forms.clearErrors(box);
    for (const file of files) {
      const form = new FormData();
      form.append("file", file, file.name);
      const headers = { Accept: "application/json" };
      const token = ui.api.cookie("csrftoken");
      if (token) headers["x-csrftoken"] = token;
      const response = await fetch(`/api/knowledge/articles/${articleId}/files`, { method: "POST", body: form, headers, credentials: "same-origin" }).catch(() => null);
      const answer = response ? await response.json().catch(() => null) : null;
      if (response && response.ok) {
        insertAt(body, answer.markdown);
      } else {
        const error = (answer && answer.error) || {};
        ui.forms.showError(box, Object.assign(new Error(error.message || "upload failed"), { status: response ? response.status : 0, code: error.code || "http_error", field: error.field || null, extra: error.extra || {} }));
      }
    }
    load();
  }

  const input = h("input", { type: "file", multiple: true, class: "kb-file-input", onchange: (e) => upload([...e.target.files]) });
  const pick = h("div", { class: "kb-file-field", dataset: { field: "file" } },
    h("label", { class: "kb-file-pick" }, t("kb.file_add"), " ", input), h("span", { class: "field-error", role: "alert" }));
  ui.replace(box, h("h3", {}, t("kb.files")), h("p", { class: "muted" }, t("kb.files_help")), list, pick);
  load();
  return box;
}
