// Building blocks of the console pages' forms (for core pages and plugins alike):
//   field(name, label, control, {help, required})  a labelled input with a slot for its error
//   showError(form, error, text) / clearErrors(form) an API error next to the field it names
//   errorText(error)                                the error in the operator's language
//   schemaInputs(fields, values, secretsSet)        inputs generated from JSON-schema fields
//   readSchemaInputs(container, fields)             their values, typed, secrets write-only
//   confirmBox(text, yes, onYes, onCancel)          an inline confirmation instead of confirm()
// ``fields`` are {name, label: {ru, en}, help: {ru, en}, schema, required, secret, restart}
// (as /api/settings/forms answers them).

import "./admin-i18n.js";
import { h } from "./dom.js";
import { errorText as consoleErrorText } from "./errors.js";
import { lang, t } from "./i18n.js";

/** A labelled control; ``name`` is the API's field path, for errors that name it. */
export function field(name, label, control, { help = "", required = false } = {}) {
  const id = control.id || `f-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}-${Math.random().toString(36).slice(2, 7)}`;
  control.id = id;
  const helpId = help ? `${id}-help` : null;
  if (helpId) control.setAttribute("aria-describedby", helpId);
  const checkbox = control.type === "checkbox";
  const labelEl = h("label", { class: "label", for: id }, label, required ? h("span", { "aria-hidden": "true" }, " *") : null);
  return h(
    "div",
    { class: "field", dataset: { field: name } },
    checkbox ? h("div", { class: "check" }, control, labelEl) : [labelEl, control],
    help ? h("span", { class: "field-help", id: helpId }, help) : null,
    h("span", { class: "field-error", role: "alert" }),
  );
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error, .form-error")) el.textContent = "";
  for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
}

/** Put ``error`` next to the field it names (trying shorter paths: "values.port" → "port"),
 * else in the form's .form-error; ``text`` replaces the words errorText would choose. */
export function showError(form, error, text = errorText(error)) {
  let name = error.field || "";
  let target = null;
  const candidates = [];
  while (name) {
    candidates.push(name, name.replace(/^values\./, ""));
    // one step up: ".port", "[2]" or a dictionary's "[...]" (msgspec's path); no step, no loop
    const up = name.replace(/(\.[^.[\]]*|\[[^\]]*\])$/, "");
    name = up === name ? "" : up;
  }
  for (const candidate of candidates) {
    target = form.querySelector(`[data-field="${CSS.escape(candidate)}"]`);
    if (target) break;
  }
  if (target) {
    target.querySelector(".field-error").textContent = text;
    target.classList.add("invalid");
    const input = target.querySelector("input, select, textarea");
    if (input) input.focus();
    target.scrollIntoView({ block: "nearest" });
    return;
  }
  formErrorSlot(form).textContent = text;
}

/** The form's slot for an error that names no field of it; a form built without one (a
 * plugin's, say) gets it before its buttons, so no refusal goes unsaid. */
function formErrorSlot(form) {
  let slot = form.querySelector(".form-error");
  if (!slot) {
    slot = h("p", { class: "form-error", role: "alert" });
    const buttons = form.querySelector(".form-buttons");
    if (buttons && buttons.parentNode) buttons.before(slot);
    else form.append(slot);
  }
  return slot;
}

/** The error in words, never raw server text: a settings field's problem (``extra.problem``:
 * missing, invalid, unknown, json) said here, anything else as the console says it (errors.js). */
export function errorText(error) {
  const problem = error.extra && error.extra.problem;
  if (["missing", "invalid", "unknown", "json"].includes(problem)) return t(`admin.error.${problem}`);
  return consoleErrorText(error);
}

// -- inputs from JSON schema -------------------------------------------------------------------

function text(localized) {
  return (localized && (localized[lang()] || localized.ru)) || "";
}

function kindOf(schema) {
  if (Array.isArray(schema.enum)) return "enum";
  const types = schema.anyOf ? schema.anyOf.map((s) => s.type) : [schema.type];
  const main = types.filter((x) => x !== "null");
  if (main.length === 1 && ["boolean", "integer", "number", "string"].includes(main[0])) return main[0];
  if (main.length === 1 && main[0] === "array" && schema.items && schema.items.type === "string") return "lines";
  return "json";
}

/** One input per field; secrets are password inputs that start empty ("set"/"not set" said). */
export function schemaInputs(fields, values = {}, secretsSet = []) {
  return fields.map((f) => {
    const value = values[f.name];
    const kind = f.secret ? "secret" : kindOf(f.schema);
    const data = { setting: f.name, kind };
    let control;
    if (kind === "enum") {
      const words = f.schema["x-choices"] || {};
      const shown = (v) => (v === null ? "—" : text(words[String(v)]) || String(v));
      control = h("select", { dataset: data }, f.schema.enum.map((v) => h("option", { value: JSON.stringify(v), selected: v === value }, shown(v))));
    } else if (kind === "boolean") {
      control = h("input", { type: "checkbox", checked: Boolean(value), dataset: data });
    } else if (kind === "integer" || kind === "number") {
      const s = f.schema;
      control = h("input", { type: "number", inputmode: kind === "integer" ? "numeric" : "decimal", step: kind === "integer" ? 1 : "any", min: s.minimum ?? null, max: s.maximum ?? null, value: value ?? "", dataset: data });
    } else if (kind === "string") {
      control = h("input", { type: "text", value: value ?? "", maxlength: f.schema.maxLength ?? null, dataset: data });
    } else if (kind === "secret") {
      const set = secretsSet.includes(f.name);
      control = h("input", { type: "password", autocomplete: "new-password", value: "", placeholder: t(set ? "admin.secret.set" : "admin.secret.unset"), dataset: { ...data, set: set ? "1" : "" } });
    } else if (kind === "lines") {
      control = h("textarea", { rows: 3, value: (value || []).join("\n"), dataset: data });
    } else {
      control = h("textarea", { rows: 3, value: value === undefined ? "" : JSON.stringify(value, null, 2), dataset: data });
    }
    const notes = [text(f.help), f.restart ? t("admin.restart_field") : "", f.secret ? t("admin.secret.help") : ""].filter(Boolean).join(" ");
    return field(f.name, text(f.label), control, { help: notes, required: f.required });
  });
}

/** The inputs' values by field name; a secret left empty is left out (the stored one stays).
 * Throws an error with ``field`` for JSON that does not parse. */
export function readSchemaInputs(container, fields) {
  const values = {};
  for (const f of fields) {
    const input = container.querySelector(`[data-setting="${CSS.escape(f.name)}"]`);
    if (!input) continue;
    const kind = input.dataset.kind;
    if (kind === "boolean") values[f.name] = input.checked;
    else if (kind === "enum") values[f.name] = JSON.parse(input.value);
    else if (kind === "integer" || kind === "number") values[f.name] = input.value === "" ? null : Number(input.value);
    else if (kind === "secret") {
      if (input.value !== "") values[f.name] = input.value;
    } else if (kind === "lines") values[f.name] = input.value.split("\n").map((x) => x.trim()).filter(Boolean);
    else if (kind === "json") {
      if (input.value.trim() === "") continue;
      try {
        values[f.name] = JSON.parse(input.value);
      } catch {
        throw Object.assign(new Error("bad json"), { field: f.name, code: "invalid", extra: { problem: "json" } });
      }
    } else values[f.name] = input.value;
  }
  return values;
}

let confirmBoxes = 0;
let openBox = null;

/** An inline confirmation (no browser dialog): ``text`` with a button for ``yes`` and a cancel.
 * It is an element, not a question awaited: put it on the page (in place of the buttons or
 * after the one pressed) and act in ``onYes``. Named by its question (axe: aria-dialog-name).
 * One question at a time: once a new box is on the page, a box still open elsewhere (the same
 * button pressed twice, another row's) is answered «Отмена» — its ``onCancel`` runs, so the
 * page that opened it puts back what it hid — and leaves the page. */
export function confirmBox(text, yes, onYes, onCancel) {
  const question = `confirm-question-${++confirmBoxes}`;
  const box = h(
    "div",
    { class: "notice warn confirm", role: "alertdialog", "aria-labelledby": question },
    h("p", { id: question }, text),
    h(
      "div",
      { class: "form-buttons" },
      h("button", { type: "button", class: "primary confirm-yes", onclick: onYes }, yes),
      h("button", { type: "button", class: "confirm-no", onclick: onCancel }, t("admin.cancel")),
    ),
  );
  // The caller puts the box on the page right after this returns; a box of a page that is
  // re-drawn whole (the old one left with the old drawing) is not open and is let be.
  queueMicrotask(() => {
    if (!box.isConnected) return;
    const earlier = openBox;
    openBox = box;
    if (earlier && earlier !== box && earlier.isConnected) dismiss(earlier, box);
  });
  return box;
}

/** Answer ``box`` «Отмена» for ``successor``, which keeps the focus it had. */
function dismiss(box, successor) {
  const focused = document.activeElement;
  box.querySelector(".confirm-no").click();
  box.remove();
  if (successor.contains(focused) && document.activeElement !== focused) focused.focus();
}
