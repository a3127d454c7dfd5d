// A task's page: status and its buttons, description, deadline (moved by the creator, asked
// for by the responsible), people, checklist (ticked in place, nested), subtasks, links,
// comments and the history.

import { h, personName, priorityLabel, richText, statusActions, statusChip, t, taskHref, ui, when } from "./common.js";

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

export class TaskView {
  constructor(id, back) {
    this.id = id;
    this.back = back;
    this.main = h("div", { class: "task-main" });
    this.element = h("div", { class: "task-view" }, h("p", { class: "muted" }, t("tasks.loading")));
  }

  async load() {
    try {
      this.task = await ui.api.api.get(`/api/tasks/${this.id}`);
      this.render();
    } catch (error) {
      this.side = null;
      ui.api.replace(this.element, h("a", { href: "#/work/tasks", class: "back" }, t("tasks.back")), h("p", { class: "page-missing", role: "alert" }, ui.api.errorText(error)));
    }
  }

  /** `sent` names the field (data-focus) whose text went out: its draft is not carried over.
   * ``from``: an element of the part the request came from — a refusal is said there, at the
   * input of the field it names (forms.showError), else in a toast. */
  async act(promise, sent = null, from = null) {
    const scope = from && from.closest(".task-scope");
    if (scope) ui.api.forms.clearErrors(scope);
    try {
      this.task = await promise;
      this.render(sent);
    } catch (error) {
      if (scope) ui.api.forms.showError(scope, error);
      else ui.api.toastError(error);
    }
  }

  /** Draw the task again (after an action, or a colleague's change arriving on the socket),
   * keeping what the operator is typing and where: the drafts of text fields and the focus. */
  render(sent = null) {
    const task = this.task;
    const may = new Set(task.may);
    const focused = document.activeElement && this.element.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
    const drafts = new Map();
    for (const field of this.main.querySelectorAll("textarea[data-focus], input[type=text][data-focus]")) {
      if (field.value && field.dataset.focus !== sent) drafts.set(field.dataset.focus, field.value);
    }
    if (!this.side) {
      // Other plugins' parts of the page (a meeting about the task): drawn once, so a redraw
      // from the socket never closes a form open there.
      this.side = h("ul-slot", { name: "tasks:task-side", "task-id": task.id, "task-title": task.title, "organization-id": task.organization_id });
      ui.api.replace(this.element, this.main, this.side);
    }
    ui.api.replace(
      this.main,
      h("a", { href: "#/work/tasks", class: "back" }, t("tasks.back")),
      h("div", { class: "admin-head" }, h("h2", {}, task.title), statusChip(task.status), task.priority !== "normal" ? h("span", { class: `chip p-${task.priority}` }, priorityLabel(task.priority)) : null),
      h("dl", { class: "task-facts" },
        h("dt", {}, t("tasks.responsible")), h("dd", {}, personName(task.responsible_id)),
        h("dt", {}, t("tasks.creator")), h("dd", {}, task.creator_id ? personName(task.creator_id) : t("tasks.robot")),
        h("dt", {}, t("tasks.deadline")), h("dd", { class: task.overdue ? "deadline overdue" : "deadline" }, when(task.deadline), task.overdue ? ` — ${t("tasks.overdue")}` : "")),
      may.has("status") ? h("div", { class: "task-actions", role: "group", "aria-label": t("tasks.actions") },
        statusActions(task).map(([status, key]) => h("button", { type: "button", dataset: { status, focus: `s-${status}` }, onclick: () => this.act(ui.api.api.post(`/api/tasks/${task.id}/status`, { status })) }, t(key)))) : null,
      (task.responsible_away || []).map((a) => h("p", { class: "notice warn task-away", role: "status" },
        t("tasks.away", { from: ui.api.format.fullTime(a.starts_at), to: ui.api.format.fullTime(a.ends_at) }))),
      this.deadlineBox(task, may),
      task.description ? richText(task.description_html) : null,
      task.people.length ? h("section", {}, h("h3", {}, t("tasks.people")), h("ul", { class: "plain" }, task.people.map((p) => h("li", {}, `${personName(p.operator_id)} — ${t(`tasks.role.${p.role}`)}`)))) : null,
      this.checklist(task, may),
      task.subtasks.length ? h("section", {}, h("h3", {}, t("tasks.subtasks")), h("ul", { class: "plain" }, task.subtasks.map((c) => h("li", {}, h("a", { href: taskHref(c.id) }, c.title), " ", statusChip(c.status))))) : null,
      task.links.length ? h("section", {}, h("h3", {}, t("tasks.links")), h("ul", { class: "plain" }, task.links.map((l) => h("li", {}, `${t(`tasks.link.${l.kind}`)}: `, l.kind === "appeal" ? h("a", { href: `#/-/${l.target_id}` }, l.title || l.target_id) : ["blocks", "related"].includes(l.kind) ? h("a", { href: taskHref(l.target_id) }, l.title) : l.title || l.target_id)))) : null,
      this.files(task, may),
      this.comments(task, may),
      h("details", { class: "task-history" }, h("summary", {}, t("tasks.history")),
        h("ul", { class: "plain" }, task.history.map((e) => h("li", {}, ui.api.format.fullTime(e.created_at), " — ", e.actor_id ? personName(e.actor_id) : t("tasks.robot"), ": ", t(`tasks.what.${e.what}`))))),
    );
    for (const [key, value] of drafts) {
      const field = this.element.querySelector(`[data-focus="${key}"]`);
      if (field) field.value = value;
    }
    if (focused) {
      const again = this.element.querySelector(`[data-focus="${focused}"]`);
      if (again) again.focus();
    }
  }

  deadlineBox(task, may) {
    const parts = [];
    if (task.requested_deadline) {
      parts.push(h("p", { class: "notice" }, t("tasks.requested", { when: when(task.requested_deadline) }), " ",
        may.has("deadline") ? [h("button", { type: "button", onclick: () => this.act(ui.api.api.post(`/api/tasks/${task.id}/deadline/approve`)) }, t("tasks.approve")), " ",
          h("button", { type: "button", onclick: () => this.act(ui.api.api.post(`/api/tasks/${task.id}/deadline/decline`)) }, t("tasks.decline"))] : null));
    }
    if (may.has("deadline") || may.has("request_deadline")) {
      const input = h("input", { type: "datetime-local", "aria-label": t("tasks.new_deadline") });
      const send = () => input.value && this.act(ui.api.api.request("PUT", `/api/tasks/${task.id}/deadline`, { body: { deadline: new Date(input.value).toISOString() } }), null, input);
      parts.push(h("details", { class: "task-deadline task-scope" }, h("summary", {}, t(may.has("deadline") ? "tasks.set_deadline" : "tasks.ask_deadline")),
        fieldSlot("deadline", h("div", { class: "inline-form" }, input, h("button", { type: "button", onclick: send }, t(may.has("deadline") ? "tasks.set_deadline" : "tasks.ask_deadline"))))));
    }
    return parts;
  }

  checklist(task, may) {
    const children = new Map();
    for (const item of task.checklist) {
      const key = item.parent_id || "";
      if (!children.has(key)) children.set(key, []);
      children.get(key).push(item);
    }
    const tree = (parent) => {
      const items = (children.get(parent) || []).sort((a, b) => a.position - b.position);
      if (!items.length) return null;
      return h("ul", { class: "checklist" }, items.map((item) =>
        h("li", { dataset: { item: item.id } },
          h("label", { class: "check" },
            h("input", { type: "checkbox", checked: item.done, disabled: !may.has("work"), dataset: { focus: `i-${item.id}` },
              onchange: (e) => this.act(ui.api.api.patch(`/api/tasks/${task.id}/checklist/${item.id}`, { done: e.target.checked })) }),
            h("span", { class: item.done ? "done" : "" }, item.text), item.important ? h("span", { class: "chip warn" }, t("tasks.important")) : null,
            item.assignee_id ? h("span", { class: "muted-text" }, ` — ${personName(item.assignee_id)}`) : null),
          tree(item.id))));
    };
    const text = h("input", { type: "text", "aria-label": t("tasks.item_text"), placeholder: t("tasks.item_text"), dataset: { focus: "new-item" } });
    const add = () => text.value.trim() && this.act(ui.api.api.post(`/api/tasks/${task.id}/checklist`, { text: text.value.trim() }), "new-item", text);
    text.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); add(); } });
    return h("section", { class: "task-checklist task-scope" },
      h("h3", {}, t("tasks.checklist"), task.checklist.length ? ` ${task.checklist.filter((i) => i.done).length}/${task.checklist.length}` : ""),
      tree(""),
      may.has("work") ? fieldSlot("text", h("div", { class: "inline-form" }, text, h("button", { type: "button", onclick: add }, t("tasks.add_item")))) : null);
  }

  files(task, may) {
    const input = h("input", { type: "file", multiple: true, class: "task-file-input", dataset: { focus: "file" }, onchange: (e) => this.upload([...e.target.files]) });
    return h("section", { class: "task-files task-scope" }, h("h3", {}, t("tasks.files")),
      task.files.length
        ? h("ul", { class: "plain" }, task.files.map((f) => h("li", { dataset: { file: f.id } },
            h("a", { href: `/api/tasks/${task.id}/files/${f.id}`, download: f.name }, f.name), " ",
            h("span", { class: "muted-text" }, size(f.size), " · ", personName(f.uploaded_by)),
            may.has("work") ? h("button", { type: "button", class: "task-file-remove", "aria-label": t("tasks.remove_file", { name: f.name }), title: t("tasks.remove_file", { name: f.name }), onclick: () => this.act(ui.api.api.del(`/api/tasks/${task.id}/files/${f.id}`)) }, "×") : null)))
        : h("p", { class: "muted" }, t("tasks.no_files")),
      may.has("work") ? fieldSlot("file", h("label", { class: "task-file-pick" }, t("tasks.attach"), " ", input)) : null);
  }

  /** Upload through the plugin's route (multipart part "file", with the CSRF cookie echoed). */
  async upload(list) {
    let refused = null; // said under «Прикрепить файл» once the page is drawn again
    for (const file of list) {
      ui.api.toast(t("tasks.uploading"));
      const form = new FormData();
      form.append("file", file, file.name);
      const headers = { Accept: "application/json" };
      const token = ui.api.api.cookie("csrftoken");
      if (token) headers["x-csrftoken"] = token;
      const response = await fetch(`/api/tasks/${this.id}/files`, { method: "POST", body: form, headers, credentials: "same-origin" }).catch(() => null);
      if (!response || !response.ok) {
        const body = response ? await response.json().catch(() => null) : null;
        const error = (body && body.error) || {};
        refused = Object.assign(new Error(error.message || "upload failed"), { status: response ? response.status : 0, code: error.code || "http_error", field: error.field || null, extra: error.extra || {} });
      }
    }
    await this.load();
    const files = this.element.querySelector(".task-files");
    if (refused && files) ui.api.forms.showError(files, refused);
    else if (refused) ui.api.toastError(refused);
  }

  comments(task, may) {
    const box = h("textarea", { rows: "3", "aria-label": t("tasks.comment"), placeholder: t("tasks.comment"), dataset: { focus: "comment" } });
    const send = () => box.value.trim() && this.act(ui.api.api.post(`/api/tasks/${task.id}/comments`, { text: box.value.trim() }), "comment", box);
    return h("section", { class: "task-comments task-scope" }, h("h3", {}, t("tasks.comments")),
      h("ol", { class: "plain" }, task.comments.map((c) => h("li", { class: "task-comment" },
        h("div", { class: "muted-text" }, c.author_id ? personName(c.author_id) : t("tasks.robot"), " · ", ui.api.format.fullTime(c.created_at)), richText(c.html)))),
      may.has("work") ? fieldSlot("text", h("div", { class: "comment-form" }, box, h("button", { type: "button", class: "primary", onclick: send }, t("tasks.send")))) : null);
  }
}

/** ``control`` under the API's field ``name``, with a slot for its refusal (forms.showError). */
function fieldSlot(name, control) {
  return h("div", { class: "task-field", dataset: { field: name } }, control, h("span", { class: "field-error", role: "alert" }));
}
