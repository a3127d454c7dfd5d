// The visual rule builder of the robots page: trigger, conditions and actions as controls with
// human names, from what GET /api/robots/catalog describes (plugins' events and actions
// included). Every control carries data-field with the API's path ("conditions.conditions[1]
// .value", "actions[0].params.tags"), so a 422 lands beside it. What the builder cannot show
// (a "not", deeper groups) stays in the JSON of «Расширенный режим».

import { h } from "../js/dom.js";
import { channelTitle } from "../js/format.js";
import { lang, t } from "../js/i18n.js";
import "../js/robots-i18n.js";
import { PRIORITIES, STATUSES, store } from "../js/store.js";

export function label(localized, fallback = "") {
  return (localized && (localized[lang()] || localized.ru)) || fallback;
}

let uid = 0;

/** A labelled control whose error slot answers for ``path``. */
function field(path, text, control, extra = {}) {
  control.id = control.id || `rb-${++uid}`;
  return h(
    "div",
    { class: `field ${extra.class || ""}`.trim(), dataset: { field: path } },
    text ? h("label", { for: control.id }, text) : null,
    control,
    h("span", { class: "field-error", role: "alert" }),
  );
}

function select(options, chosen, attrs = {}) {
  return h("select", attrs, options.map(([value, text]) => h("option", { value, selected: value === chosen }, text)));
}

/** Checkboxes for a set of values; ``read()`` on the box gives the ticked ones. */
function checks(name, options, chosen) {
  const box = h(
    "span",
    { class: "checks", role: "group", dataset: { name } },
    options.map(([value, text]) => h("label", { class: "inline check-option" }, h("input", { type: "checkbox", value, checked: (chosen || []).includes(value) }), ` ${text}`)),
  );
  box.read = () => [...box.querySelectorAll("input:checked")].map((i) => i.value);
  return box;
}

const statusOptions = () => STATUSES.map((s) => [s, t(`status.${s}`)]);
const priorityOptions = () => PRIORITIES.map((p) => [p, t(`priority.${p}`)]);
const queueOptions = () => (store.queues || []).map((q) => [q.id, q.name || q.id]);
const operatorOptions = () => [...store.operators.values()].map((o) => [o.id, o.name || o.login || o.id]);
const splitList = (text) => text.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);

// -- trigger ------------------------------------------------------------------------------------

export function triggerEditor(catalog, trigger) {
  const box = h("div", { class: "builder-trigger" });
  const kind = select(
    ["event", "schedule", "timer"].map((k) => [k, t(`robots.trigger.${k}`)]),
    trigger.kind,
    { name: "trigger_kind", onchange: () => draw({ kind: kind.value }) },
  );
  const inner = h("div", { class: "trigger-box" });
  let read = () => ({});
  const draw = (tr) => {
    if (tr.kind === "event") {
      const events = catalog.events.map((e) => [e.type, label(e.label, e.type)]);
      const event = select(events, tr.event_type || "appeal.message_in", { name: "event_type" });
      const robots = h("input", { type: "checkbox", name: "include_robot_events", checked: Boolean(tr.include_robot_events) });
      inner.replaceChildren(field("trigger.event_type", t("robots.event_type"), event), h("label", { class: "inline" }, robots, ` ${t("robots.include_robot_events")}`));
      read = () => ({ kind: "event", event_type: event.value, include_robot_events: robots.checked });
    } else if (tr.kind === "schedule") {
      const every = h("input", { type: "number", name: "every_minutes", min: 1, value: tr.every_minutes ?? (tr.cron ? "" : 60) });
      const cron = h("input", { name: "cron", value: tr.cron || "" });
      const zone = h("input", { name: "timezone", value: tr.timezone || "" });
      const statuses = checks("appeal_statuses", statusOptions(), tr.appeal_statuses);
      inner.replaceChildren(
        field("trigger.every_minutes", t("robots.every_minutes"), every),
        field("trigger.cron", t("robots.cron"), cron),
        field("trigger.timezone", t("robots.timezone"), zone),
        field("trigger.appeal_statuses", t("robots.appeal_statuses"), statuses),
      );
      read = () => {
        const out = { kind: "schedule", timezone: zone.value.trim(), appeal_statuses: statuses.read() };
        if (cron.value.trim()) out.cron = cron.value.trim();
        else out.every_minutes = Number(every.value);
        return out;
      };
    } else {
      const fieldSelect = select(catalog.timer_fields.map((f) => [f.value, label(f.label)]), tr.field || "status_since", { name: "field" });
      const offset = h("input", { type: "number", name: "offset_minutes", value: tr.offset_minutes ?? 60 });
      const statuses = checks("statuses", statusOptions(), tr.statuses);
      inner.replaceChildren(
        field("trigger.offset_minutes", t("robots.offset_minutes"), offset),
        field("trigger.field", t("robots.timer_field"), fieldSelect),
        field("trigger.statuses", t("robots.statuses"), statuses),
      );
      read = () => ({ kind: "timer", field: fieldSelect.value, offset_minutes: Number(offset.value || 0), statuses: statuses.read() });
    }
  };
  draw(trigger);
  box.append(field("trigger", t("robots.trigger_kind"), kind), inner);
  box.read = () => read();
  return box;
}

// -- conditions ---------------------------------------------------------------------------------

const GROUP = new Set(["all", "any"]);

const isLeaf = (c) => !GROUP.has(c.kind) && (c.kind !== "not" || !["all", "any", "not"].includes(c.condition.kind));

/** The tree as the builder shows it: a root group of leaves (each may be negated) and groups of
 * leaves; null when it holds something the builder has no control for (a negated group,
 * groups deeper than one level). */
export function shape(conditions) {
  if (!conditions) return { kind: "all", conditions: [] };
  const root = GROUP.has(conditions.kind) ? conditions : { kind: "all", conditions: [conditions] };
  for (const child of root.conditions) {
    if (GROUP.has(child.kind) ? !child.conditions.every(isLeaf) : !isLeaf(child)) return null;
  }
  return root;
}

export function conditionsEditor(catalog, conditions, organizations) {
  const root = shape(conditions);
  const box = h("div", { class: "builder-conditions", dataset: { field: "conditions" } });
  const mode = select(catalog.groups.map((g) => [g.value, label(g.label)]), root.kind, { class: "group-kind", "aria-label": t("robots.builder.group_kind") });
  const rows = h("ol", { class: "condition-rows" });
  const groupRows = (group, container, path) => {
    for (const child of group.conditions) container.append(GROUP.has(child.kind) ? groupRow(child, path) : leafRow(catalog, child, organizations));
  };
  const groupRow = (group, path) => {
    const inner = h("ol", { class: "condition-rows nested" });
    const kind = select(catalog.groups.map((g) => [g.value, label(g.label)]), group.kind, { class: "group-kind", "aria-label": t("robots.builder.group_kind") });
    const li = h(
      "li",
      { class: "condition-group" },
      h("div", { class: "group-head" }, h("span", {}, t("robots.builder.group_prefix")), kind, removeButton(() => li.remove())),
      inner,
      h("button", { type: "button", class: "add-condition", onclick: () => inner.append(leafRow(catalog, { kind: "text" }, organizations)) }, t("robots.builder.add_condition")),
      h("span", { class: "field-error", role: "alert" }),
    );
    li.readGroup = () => ({ kind: kind.value, conditions: [...inner.children].map((row) => row.readLeaf()) });
    groupRows(group, inner, path);
    return li;
  };
  groupRows(root, rows, "conditions");
  box.append(
    h("div", { class: "group-head" }, h("span", {}, t("robots.builder.when_prefix")), mode),
    rows,
    h(
      "div",
      { class: "builder-buttons" },
      h("button", { type: "button", class: "add-condition", onclick: () => rows.append(leafRow(catalog, { kind: "text" }, organizations)) }, t("robots.builder.add_condition")),
      h("button", { type: "button", class: "add-group", onclick: () => rows.append(groupRow({ kind: "any", conditions: [{ kind: "text" }] }, "")) }, t("robots.builder.add_group")),
    ),
    h("span", { class: "field-error", role: "alert" }),
  );
  const renumber = () => {
    // Paths follow the rows' places, so errors of the server find them.
    [...rows.children].forEach((row, n) => {
      const path = `conditions.conditions[${n}]`;
      row.dataset.field = path;
      if (row.classList.contains("condition-group")) {
        [...row.querySelector("ol").children].forEach((leaf, m) => setLeafPath(leaf, `${path}.conditions[${m}]`));
      } else setLeafPath(row, path);
    });
  };
  box.read = () => {
    renumber();
    const children = [...rows.children].map((row) => (row.readGroup ? row.readGroup() : row.readLeaf())).filter((c) => !GROUP.has(c.kind) || c.conditions.length);
    return children.length ? { kind: mode.value, conditions: children } : null;
  };
  box.renumber = renumber;
  renumber();
  return box;
}

function setLeafPath(row, path) {
  row.dataset.field = path;
  const inner = row.negated && row.negated.checked ? `${path}.condition` : path;
  for (const el of row.querySelectorAll("[data-part]")) el.dataset.field = `${inner}.${el.dataset.part}`;
}

function removeButton(onclick) {
  return h("button", { type: "button", class: "remove-condition", "aria-label": t("robots.builder.remove"), title: t("robots.builder.remove"), onclick }, "×");
}

function part(name, text, control) {
  const el = field("", text, control, { class: "part" });
  el.dataset.part = name;
  return el;
}

function leafRow(catalog, given, organizations) {
  const li = h("li", { class: "condition" });
  const leaf = given.kind === "not" ? given.condition : given;
  li.negated = h("input", { type: "checkbox", class: "condition-not", checked: given.kind === "not" });
  const kinds = catalog.conditions.map((c) => [c.kind, label(c.label, c.kind)]);
  const kind = select(kinds, leaf.kind, { class: "condition-kind", "aria-label": t("robots.builder.condition_kind") });
  const body = h("div", { class: "condition-body" });
  let read = () => ({ kind: kind.value });
  const draw = (current) => {
    const info = catalog.conditions.find((c) => c.kind === current.kind) || catalog.conditions[0];
    const parts = [];
    let source = null;
    let memberField = null;
    if (info.sources.length) {
      source = select(info.sources.map((s) => [s.value, label(s.label)]), current.source || "message", { class: "condition-source", "aria-label": t("robots.builder.source") });
      parts.push(part("source", "", source));
    }
    if (info.fields.length) {
      memberField = select(info.fields.map((f) => [f.value, label(f.label)]), current.field || info.fields[0].value, { class: "condition-field", "aria-label": t("robots.builder.member_field") });
      parts.push(part("field", "", memberField));
    }
    const op = select(info.ops.map((o) => [o.value, label(o.label)]), current.op || info.ops[0].value, { class: "condition-op", "aria-label": t("robots.builder.op") });
    parts.push(part("op", "", op));
    let value = null;
    const values = current.values || [];
    if (info.value === "text") {
      value = h("input", { class: "condition-value", value: current.value || "", "aria-label": t("robots.builder.value") });
      parts.push(part("value", "", value));
    } else if (info.value === "lines") {
      value = h("input", { class: "condition-value", value: values.join(", "), placeholder: t("robots.builder.comma"), "aria-label": t("robots.builder.value") });
      parts.push(part("values", "", value));
    } else if (info.value !== "none") {
      const options = {
        statuses: statusOptions,
        priorities: priorityOptions,
        queues: queueOptions,
        channels: () => [...new Set([...store.channels.keys(), ...values])].map((c) => [c, channelTitle(c)]),
        organizations: () => (organizations || []).map((o) => [o.id, o.name]),
      }[info.value]();
      value = checks("values", options, values);
      parts.push(part("values", "", value));
    }
    body.replaceChildren(...parts);
    read = () => {
      const out = { kind: info.kind, op: op.value };
      if (source) Object.assign(out, { source: source.value, case_sensitive: Boolean(current.case_sensitive) });
      if (memberField) out.field = memberField.value;
      if (info.value === "text") {
        if (!(info.kind === "member" && ["is_empty", "is_set"].includes(op.value))) out.value = value.value;
      } else if (info.value === "lines") out.values = splitList(value.value);
      else if (info.value !== "none") out.values = value.read();
      if (info.kind === "organization") out.subtree = current.subtree ?? true;
      if (info.kind === "business_hours") delete out.values;
      return out;
    };
    if (li.dataset.field) setLeafPath(li, li.dataset.field);
  };
  kind.addEventListener("change", () => draw({ kind: kind.value }));
  draw(leaf);
  const negate = h("label", { class: "inline negate", title: t("robots.builder.not_help") }, li.negated, ` ${t("robots.builder.not")}`);
  li.append(h("div", { class: "condition-line" }, negate, kind, body, removeButton(() => li.remove())), h("span", { class: "field-error", role: "alert" }));
  li.readLeaf = () => (li.negated.checked ? { kind: "not", condition: read() } : read());
  return li;
}

// -- actions ------------------------------------------------------------------------------------

/** Controls for one action's parameters, generated from the catalog's description of them. */
export function paramControls(action, params, n) {
  if (!action) return [];
  return action.params.map((p) => {
    const path = `actions[${n}].params.${p.name}`;
    const value = params[p.name] ?? p.default;
    const text = `${label(p.label, p.name)}${p.required ? " *" : ""}`;
    const data = { param: p.name, widget: p.widget };
    let control;
    if (p.widget === "localized_text") {
      const ru = h("textarea", { rows: 2, value: (value && value.ru) || "", dataset: { ...data, lang: "ru" } });
      const en = h("textarea", { rows: 2, value: (value && value.en) || "", dataset: { ...data, lang: "en" } });
      return h(
        "fieldset",
        { class: "field param", dataset: { field: path, param: p.name, widget: p.widget } },
        h("legend", {}, text),
        field(`${path}.ru`, t("robots.builder.in_russian"), ru),
        field(`${path}.en`, t("robots.builder.in_english"), en),
        h("span", { class: "field-error", role: "alert" }),
      );
    }
    if (p.widget === "boolean") control = h("input", { type: "checkbox", checked: Boolean(value), dataset: data });
    else if (p.widget === "number") control = h("input", { type: "number", step: "any", value: value ?? "", dataset: data });
    else if (p.widget === "text") control = h("input", { value: value ?? "", dataset: data });
    else if (p.widget === "lines") control = h("input", { value: (value || []).join(", "), placeholder: t("robots.builder.comma"), dataset: data });
    else if (["choice", "status", "priority", "queue", "operator"].includes(p.widget)) {
      const options = {
        choice: () => p.choices.map((c) => [c.value, label(c.label, c.value)]),
        status: statusOptions,
        priority: priorityOptions,
        queue: queueOptions,
        operator: operatorOptions,
      }[p.widget]();
      control = select([["", "—"], ...options], value ?? "", { dataset: data });
    } else if (p.widget === "choices" || p.widget === "operators") {
      const options = p.widget === "choices" ? p.choices.map((c) => [c.value, label(c.label, c.value)]) : operatorOptions();
      control = checks(p.name, options, value || []);
      Object.assign(control.dataset, data);
    } else {
      control = h("textarea", { rows: 2, value: value === undefined || value === null ? "" : JSON.stringify(value), placeholder: t("robots.params_json"), dataset: data });
    }
    const el = field(path, text, control, { class: "param" });
    return el;
  });
}

/** The parameters of one step as its controls hold them; throws with ``field`` for bad JSON. */
export function readParams(container, n) {
  const params = {};
  for (const el of container.querySelectorAll("[data-widget][data-param]")) {
    if (el.tagName === "FIELDSET") continue;
    const name = el.dataset.param;
    const widget = el.dataset.widget;
    if (widget === "localized_text") {
      params[name] = params[name] || {};
      if (el.value.trim() || el.dataset.lang === "ru") params[name][el.dataset.lang] = el.value;
    } else if (widget === "boolean") params[name] = el.checked;
    else if (widget === "number") {
      if (el.value !== "") params[name] = Number(el.value);
    } else if (widget === "lines") {
      if (el.value.trim()) params[name] = splitList(el.value);
    } else if (widget === "choices" || widget === "operators") params[name] = el.read();
    else if (widget === "json") {
      if (!el.value.trim()) continue;
      try {
        params[name] = JSON.parse(el.value);
      } catch (error) {
        throw Object.assign(new Error(t("robots.bad_json", { error: error.message })), { field: `actions[${n}].params.${name}` });
      }
    } else if (el.value !== "") params[name] = el.value;
  }
  return params;
}
