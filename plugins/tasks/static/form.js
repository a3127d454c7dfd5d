// The form that sets a task: title, description, organization, responsible, priority,
// deadline (a date, or working days), the creator's check, a template; Russian first.

import { h, personName, priorityLabel, t, ui } from "./common.js";

export function newTaskForm({ project = "", appealId = null, onDone, onCancel }) {
  const f = ui.api.forms;
  const title = h("input", { type: "text", name: "title", required: !appealId, maxlength: "300" });
  const description = h("textarea", { name: "description", rows: "3" });
  const organization = h("select", { name: "organization_id" });
  const responsible = h("select", { name: "responsible_id" });
  const priority = h("select", { name: "priority" }, ["low", "normal", "high", "urgent"].map((p) => h("option", { value: p, selected: p === "normal" }, priorityLabel(p))));
  const deadline = h("input", { type: "datetime-local", name: "deadline" });
  const days = h("input", { type: "number", name: "deadline_days", min: "0", max: "365", inputmode: "numeric" });
  const acceptance = h("input", { type: "checkbox", name: "acceptance" });
  const template = h("select", { name: "template_id" }, h("option", { value: "" }, t("tasks.no_template")));
  const error = h("p", { class: "form-error", role: "alert" });
  const me = ui.api.store.me;
  const people = [...ui.api.store.operators.values()].filter((o) => o.id !== (me && me.id));
  ui.api.replace(responsible, h("option", { value: me ? me.id : "" }, personName(me && me.id)),
    ui.api.can("tasks.assign") ? people.map((o) => h("option", { value: o.id }, o.name || o.login)) : null);
  ui.api.api.get("/api/organizations/").then((orgs) => ui.api.replace(organization, orgs.map((o) => h("option", { value: o.id }, o.name)))).catch(() => null);
  ui.api.api.get("/api/tasks/templates/").then((list) => template.append(...list.map((x) => h("option", { value: x.id }, x.name)))).catch(() => null);
  const form = h("form", { class: "admin-form task-form", "aria-label": t("tasks.new") },
    appealId ? null : f.field("title", t("tasks.title_field"), title, { required: true }),
    f.field("description", t("tasks.description"), description),
    appealId ? null : f.field("organization_id", t("tasks.organization"), organization),
    f.field("responsible_id", t("tasks.responsible"), responsible),
    f.field("priority", t("tasks.priority"), priority),
    f.field("deadline", t("tasks.deadline"), deadline),
    f.field("deadline_days", t("tasks.deadline_days"), days),
    f.field("template_id", t("tasks.template"), template),
    f.field("acceptance", t("tasks.acceptance"), acceptance),
    error,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("tasks.create")), h("button", { type: "button", onclick: () => onCancel && onCancel() }, t("tasks.cancel"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    f.clearErrors(form);
    error.textContent = "";
    const body = { priority: priority.value, acceptance: acceptance.checked, description: description.value };
    if (title.value.trim()) body.title = title.value.trim();
    if (appealId) body.appeal_id = appealId;
    else body.organization_id = organization.value;
    if (responsible.value) body.responsible_id = responsible.value;
    if (deadline.value) body.deadline = new Date(deadline.value).toISOString();
    if (days.value !== "") body.deadline_days = Number(days.value);
    if (template.value) body.template_id = template.value;
    if (project) body.project_id = project;
    try {
      const task = await ui.api.api.post("/api/tasks/", body);
      ui.api.toast(t("tasks.created"));
      onDone && onDone(task);
    } catch (err) {
      f.showError(form, err);
    }
  });
  return form;
}
