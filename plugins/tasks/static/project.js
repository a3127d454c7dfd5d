// «Настроить проект»: a project's name, its board's columns (renamed, bound to a status,
// moved up and down, added, removed when empty) and its members with their roles — for the
// project's managers (the server decides: ProjectView.may_edit).

import { h, personName, statusLabel, t, ui } from "./common.js";

const ROLES = ["manager", "member", "viewer"];
const STATUSES = ["new", "in_progress", "waiting_control", "done", "deferred"];

export function projectSettings(project, { onChange, onClose }) {
  const root = h("section", { class: "admin-card task-project-settings", "aria-label": t("tasks.project_settings") });
  let current = project;
  // A refusal is said in the block whose request it was (``from``: an element in it) — at its
  // input when the block has the field it names, else in the block's own slot.
  const act = async (promise, from) => {
    ui.api.forms.clearErrors(root);
    try {
      current = await promise;
      draw();
      onChange(current);
    } catch (error) {
      ui.api.forms.showError(from.closest(".task-scope"), error, refusalText(error));
    }
  };
  // a block of the settings: its controls under the API's field, with a slot for the refusal
  const block = (field, ...children) =>
    h("div", { class: "task-scope" }, h("div", { class: "task-field", dataset: { field } }, ...children, h("span", { class: "field-error", role: "alert" })));
  const base = () => `/api/tasks/projects/${current.id}`;

  function stageRow(stage, index, stages) {
    const name = h("input", { type: "text", value: stage.name, "aria-label": t("tasks.stage_name"), class: "stage-name" });
    const status = h("select", { "aria-label": t("tasks.stage_status") },
      h("option", { value: "", selected: !stage.status }, t("tasks.stage_no_status")),
      STATUSES.map((s) => h("option", { value: s, selected: stage.status === s }, statusLabel(s))));
    const save = (e) => act(ui.api.api.patch(`${base()}/stages/${stage.id}`, { name: name.value.trim() || stage.name, status: status.value }), e.target);
    name.addEventListener("change", save);
    status.addEventListener("change", save);
    // the row is its own block: a refusal (a column still holding tasks …) goes under it
    return h("li", { class: "stage-row task-scope", dataset: { stage: stage.id } }, name, status,
      h("button", { type: "button", "aria-label": t("tasks.stage_up", { name: stage.name }), title: t("tasks.stage_up", { name: stage.name }), disabled: index === 0,
        onclick: (e) => act(ui.api.api.patch(`${base()}/stages/${stage.id}`, { position: index - 1 }), e.currentTarget) }, "↑"),
      h("button", { type: "button", "aria-label": t("tasks.stage_down", { name: stage.name }), title: t("tasks.stage_down", { name: stage.name }), disabled: index === stages.length - 1,
        onclick: (e) => act(ui.api.api.patch(`${base()}/stages/${stage.id}`, { position: index + 1 }), e.currentTarget) }, "↓"),
      h("button", { type: "button", class: "danger stage-delete", "aria-label": t("tasks.stage_delete", { name: stage.name }), title: t("tasks.stage_delete", { name: stage.name }), disabled: stages.length === 1,
        onclick: (e) => act(ui.api.api.del(`${base()}/stages/${stage.id}`), e.currentTarget) }, "×"));
  }

  function memberRows() {
    const members = current.members.map((m) => ({ ...m }));
    const send = (from) => act(ui.api.api.request("PUT", `${base()}/members`, { body: { members } }), from);
    const rows = members.map((m, i) => h("li", { class: "member-row", dataset: { member: m.operator_id } },
      h("span", {}, personName(m.operator_id)),
      h("select", { "aria-label": t("tasks.member_role", { name: personName(m.operator_id) }), onchange: (e) => { members[i].role = e.target.value; send(e.target); } },
        ROLES.map((r) => h("option", { value: r, selected: m.role === r }, t(`tasks.prole.${r}`)))),
      h("button", { type: "button", "aria-label": t("tasks.member_remove", { name: personName(m.operator_id) }), title: t("tasks.member_remove", { name: personName(m.operator_id) }),
        onclick: (e) => { members.splice(i, 1); send(e.currentTarget); } }, "×")));
    const known = new Set(members.map((m) => m.operator_id));
    const pick = h("select", { "aria-label": t("tasks.member_pick") },
      [...ui.api.store.operators.values()].filter((o) => !known.has(o.id)).map((o) => h("option", { value: o.id }, o.name || o.login)));
    const role = h("select", { "aria-label": t("tasks.member_role", { name: "" }) }, ROLES.map((r) => h("option", { value: r, selected: r === "member" }, t(`tasks.prole.${r}`))));
    const add = (e) => { if (pick.value) { members.push({ operator_id: pick.value, role: role.value }); send(e.currentTarget); } };
    return block("members", h("ul", { class: "plain" }, rows), pick.options.length ? h("div", { class: "inline-form" }, pick, role, h("button", { type: "button", class: "member-add", onclick: add }, t("tasks.member_add"))) : null);
  }

  function draw() {
    const name = h("input", { type: "text", value: current.name, "aria-label": t("tasks.project_name") });
    const newStage = h("input", { type: "text", "aria-label": t("tasks.stage_name"), placeholder: t("tasks.stage_name"), class: "stage-new" });
    const addStage = () => newStage.value.trim() && act(ui.api.api.post(`${base()}/stages`, { name: newStage.value.trim() }), newStage);
    newStage.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addStage(); } });
    ui.api.replace(root,
      h("div", { class: "admin-head" }, h("h3", {}, t("tasks.project_settings")), h("button", { type: "button", onclick: onClose }, t("tasks.close"))),
      block("name", h("div", { class: "inline-form" }, name, h("button", { type: "button", onclick: (e) => act(ui.api.api.patch(base(), { name: name.value.trim() || current.name }), e.currentTarget) }, t("tasks.save")))),
      h("h4", {}, t("tasks.stages")),
      h("ol", { class: "plain task-stages" }, current.stages.map((s, i, all) => stageRow(s, i, all))),
      block("name", h("div", { class: "inline-form" }, newStage, h("button", { type: "button", class: "stage-add", onclick: addStage }, t("tasks.stage_add")))),
      h("h4", {}, t("tasks.members")),
      h("p", { class: "muted-text" }, t("tasks.roles_hint")),
      memberRows());
  }
  draw();
  return root;
}

/** The project's own checks in words: the 21st column, no manager left. */
function refusalText(error) {
  // (a name the server reads wrong is a 400 validation_error; its 422 at name is only this)
  if (error.field === "name" && error.code === "invalid") return t("tasks.err.stages_max");
  if (error.field === "members" && error.code === "invalid") return t("tasks.err.manager");
  return undefined;
}

/** «Новый проект» (tasks.projects): a name and the organization; its creator manages it. */
export function newProjectForm({ onDone, onCancel }) {
  const name = h("input", { type: "text", required: true, maxlength: 200, class: "project-name", "aria-label": t("tasks.project_name"), placeholder: t("tasks.project_name") });
  const org = h("select", { "aria-label": t("tasks.organization") });
  ui.api.api.get("/api/organizations/").then((all) => {
    ui.api.replace(org, all.filter((o) => !o.archived).map((o) => h("option", { value: o.id }, `${"— ".repeat(o.depth || 0)}${o.name}`)));
  }).catch((error) => ui.api.toastError(error));
  const create = async () => {
    if (!name.value.trim()) return name.focus();
    try {
      onDone(await ui.api.api.post("/api/tasks/projects/", { name: name.value.trim(), organization_id: org.value }));
    } catch (error) {
      ui.api.toastError(error);
    }
  };
  return h("section", { class: "admin-card task-project-settings", "aria-label": t("tasks.new_project") },
    h("h3", {}, t("tasks.new_project")),
    h("div", { class: "inline-form" }, name, org,
      h("button", { type: "button", class: "primary project-create", onclick: create }, t("tasks.create_project")),
      h("button", { type: "button", onclick: onCancel }, t("tasks.close"))));
}
