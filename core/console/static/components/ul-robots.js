// The robots page (#/robots): automation rules of the supervisor's organizations — the list
// with an enabled switch, a form to create and edit (trigger, conditions as JSON, actions with
// parameters generated from each action's JSON schema), dry runs and the rules log. Errors
// the API names a field for are shown next to that field.

import { get, patch, post, request } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { fullTime } from "../js/format.js";
import { lang, t } from "../js/i18n.js";
import "../js/robots-i18n.js";
import { toast } from "../js/notify.js";
import { can } from "../js/store.js";

const STATUSES = ["new", "open", "waiting", "resolved", "closed"];
const TIMER_FIELDS = [
  "status_since",
  "last_member_message_at",
  "last_operator_message_at",
  "first_response_due",
  "resolution_due",
  "created_at",
];

export function seesRobots() {
  return can("robots.read");
}

function stylesheet() {
  if (document.querySelector("link[data-robots-css]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/console/static/robots.css", dataset: { robotsCss: "1" } }));
}

function triggerText(trigger) {
  if (trigger.kind === "event") return `${t("robots.trigger.event")}: ${trigger.event_type}`;
  if (trigger.kind === "schedule") {
    const when = trigger.cron ? `cron ${trigger.cron}` : `${trigger.every_minutes} min`;
    return `${t("robots.trigger.schedule")}: ${when}`;
  }
  const sign = trigger.offset_minutes >= 0 ? "+" : "";
  return `${t("robots.trigger.timer")}: ${trigger.field} ${sign}${trigger.offset_minutes} min`;
}

function title(action) {
  return (action && (action.title[lang()] || action.title.ru)) || (action && action.name) || "";
}

class UlRobots extends HTMLElement {
  connectedCallback() {
    stylesheet();
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  get manages() {
    return can("robots.manage");
  }

  async load() {
    if (!seesRobots()) return this.render();
    try {
      const [rules, actions, eventTypes, organizations] = await Promise.all([
        get("/api/robots/rules"),
        get("/api/robots/actions"),
        get("/api/robots/event-types"),
        get("/api/organizations/"),
      ]);
      const templates = await get("/api/robots/templates").catch(() => []);
      Object.assign(this, { rules, actions, eventTypes, organizations, templates, error: null });
    } catch (error) {
      this.error = error.message;
    }
    this.render();
    if (!this.logShown) this.showLog(null);
  }

  render() {
    if (!seesRobots()) return replace(this, h("p", { class: "pad muted" }, t("robots.forbidden")));
    if (!this.rules) return replace(this, h("p", { class: "pad muted" }, this.error || t("list.loading")));
    this.panel = this.panel || h("section", { class: "robots-panel" });
    replace(
      this,
      h(
        "div",
        { class: "robots-head" },
        h("h2", {}, t("robots.title")),
        this.manages ? h("button", { type: "button", class: "primary new-rule", onclick: () => this.edit(null) }, t("robots.new")) : null,
        this.manages && (this.templates || []).length
          ? h(
              "select",
              {
                class: "from-template",
                "aria-label": t("robots.from_template"),
                onchange: (e) => {
                  const chosen = this.templates.find((x) => x.key === e.target.value);
                  e.target.value = "";
                  if (chosen) this.edit(null, chosen);
                },
              },
              h("option", { value: "" }, t("robots.from_template")),
              this.templates.map((x) => h("option", { value: x.key }, x.title[lang()] || x.title.ru)),
            )
          : null,
        h("button", { type: "button", class: "all-log", onclick: () => this.showLog(null) }, t("robots.log_all")),
      ),
      h("div", { class: "robots-body" }, this.ruleList(), this.panel),
    );
  }

  ruleList() {
    if (!this.rules.length) return h("ul", { class: "rules" }, h("li", { class: "muted" }, t("robots.none")));
    return h("ul", { class: "rules" }, this.rules.map((rule) => this.ruleItem(rule)));
  }

  ruleItem(rule) {
    const toggle = h("input", {
      type: "checkbox",
      class: "rule-enabled",
      checked: rule.enabled,
      disabled: !this.manages,
      "aria-label": t("robots.enabled"),
      onchange: (e) => this.setEnabled(rule, e.target.checked),
    });
    return h(
      "li",
      { class: "rule", dataset: { ruleId: rule.id } },
      h("label", { class: "rule-toggle", title: t("robots.enabled") }, toggle),
      h(
        "div",
        { class: "rule-main" },
        h("strong", { class: "rule-name" }, rule.name),
        h("div", { class: "muted small" }, triggerText(rule.trigger)),
        rule.last_blocked_at
          ? h("div", { class: "rule-blocked small" }, t("robots.blocked_at", { time: fullTime(rule.last_blocked_at), limit: rule.loop_limit }))
          : null,
        rule.last_fired_at ? h("div", { class: "muted small" }, t("robots.last_fired", { time: fullTime(rule.last_fired_at) })) : null,
      ),
      h(
        "div",
        { class: "rule-buttons" },
        this.manages ? h("button", { type: "button", class: "edit", onclick: () => this.edit(rule) }, t("robots.edit")) : null,
        this.manages ? h("button", { type: "button", class: "dry-run", onclick: () => this.dryRun(rule) }, t("robots.dry_run")) : null,
        h("button", { type: "button", class: "log", onclick: () => this.showLog(rule) }, t("robots.log")),
        this.manages ? h("button", { type: "button", class: "delete", onclick: () => this.remove(rule) }, t("robots.delete")) : null,
      ),
    );
  }

  async setEnabled(rule, enabled) {
    try {
      const updated = await post(`/api/robots/rules/${rule.id}/${enabled ? "enable" : "disable"}`);
      this.rules = this.rules.map((r) => (r.id === rule.id ? updated : r));
    } catch (error) {
      toast(error.message, "error");
    }
    this.render();
  }

  async remove(rule) {
    if (!window.confirm(t("robots.delete_confirm", { name: rule.name }))) return;
    try {
      await request("DELETE", `/api/robots/rules/${rule.id}`);
      this.rules = this.rules.filter((r) => r.id !== rule.id);
    } catch (error) {
      toast(error.message, "error");
    }
    this.render();
  }

  // -- the log and dry runs --------------------------------------------------------------------

  /** Take the side panel; what an earlier click still loads must not overwrite it. */
  claimPanel() {
    this.panelOwner = (this.panelOwner || 0) + 1;
    return this.panelOwner;
  }

  async showLog(rule) {
    this.logShown = true;
    const mine = this.claimPanel();
    const path = rule ? `/api/robots/rules/${rule.id}/log` : "/api/robots/log";
    let page;
    try {
      page = await get(path);
    } catch (error) {
      page = { error };
    }
    if (mine !== this.panelOwner) return;
    if (page.error) return replace(this.panel, h("p", { class: "error" }, page.error.message));
    const heading = rule ? `${t("robots.log")}: ${rule.name}` : t("robots.log_all");
    if (!page.items.length) return replace(this.panel, h("h3", {}, heading), h("p", { class: "muted log-empty" }, t("robots.log_empty")));
    replace(
      this.panel,
      h("h3", {}, heading),
      h(
        "table",
        { class: "grid robots-log" },
        h("thead", {}, h("tr", {}, ["when", "rule", "appeal", "status", "steps"].map((c) => h("th", {}, t(`robots.col.${c}`))))),
        h(
          "tbody",
          {},
          page.items.map((item) =>
            h(
              "tr",
              { class: `execution status-${item.status}`, dataset: { status: item.status } },
              h("td", {}, fullTime(item.created_at)),
              h("td", {}, item.rule_name),
              h("td", {}, item.appeal_id ? h("a", { href: `#/all/${item.appeal_id}` }, item.appeal_number || item.appeal_id.slice(0, 8)) : "—"),
              h("td", { class: "execution-status" }, t(`robots.status.${item.status}`), item.reason ? h("div", { class: "muted small" }, item.reason) : null),
              h("td", {}, h("ol", { class: "steps" }, item.steps.map((s) => h("li", { class: s.ok ? "" : "error" }, s.summary)))),
            ),
          ),
        ),
      ),
    );
  }

  async dryRun(rule, definition) {
    const mine = rule ? this.claimPanel() : this.panelOwner;
    let result;
    try {
      result = rule
        ? await post(`/api/robots/rules/${rule.id}/dry-run`, { limit: 20 })
        : await post("/api/robots/dry-run", { ...definition, limit: 20 });
    } catch (error) {
      if (!rule && this.form) return this.showError(error);
      return toast(error.message, "error");
    }
    if (mine !== this.panelOwner) return;
    const target = rule ? this.panel : this.form.querySelector(".dry-run-result");
    replace(
      target,
      h("h3", {}, t("robots.dry_result", { matched: result.matched, considered: result.considered })),
      h(
        "ul",
        { class: "dry-items" },
        result.items.map((item) =>
          h(
            "li",
            { class: `dry-item ${item.matched ? "matched" : "unmatched"}` },
            h("strong", {}, item.appeal_number || item.trigger),
            " — ",
            t(item.matched ? "robots.matched" : "robots.not_matched"),
            item.failed_conditions.length
              ? h("div", { class: "muted small" }, t("robots.failed_conditions", { list: item.failed_conditions.map((c) => `${c.path} (${c.kind})`).join(", ") }))
              : null,
            h("ol", { class: "steps" }, item.steps.map((s) => h("li", { class: s.ok ? "" : "error" }, s.summary))),
          ),
        ),
      ),
    );
  }

  // -- the form --------------------------------------------------------------------------------

  edit(rule, template) {
    this.claimPanel();
    this.editing = rule;
    const organizations = this.organizations || [];
    const source = rule || (template && template.definition);
    const trigger = source ? source.trigger : { kind: "event", event_type: "appeal.created" };
    this.steps = source ? source.actions.map((a) => ({ ...a })) : [];
    const name = rule ? rule.name : template ? template.title[lang()] || template.title.ru : "";
    const description = rule ? rule.description : template ? template.description[lang()] || template.description.ru : "";
    this.form = h("form", { class: "rule-form", novalidate: true, onsubmit: (e) => this.save(e) });
    const field = (name, label, control) => h("label", { class: "field", dataset: { field: name } }, h("span", {}, label), control, h("span", { class: "field-error", role: "alert" }));
    this.inputs = {
      organization: h(
        "select",
        { name: "organization_id", disabled: Boolean(rule) },
        organizations.map((o) => h("option", { value: o.id, selected: rule ? o.id === rule.organization_id : false }, `${"  ".repeat(o.depth)}${o.name}`)),
      ),
      name: h("input", { name: "name", value: name, required: true }),
      description: h("input", { name: "description", value: description }),
      kind: h(
        "select",
        { name: "trigger_kind", onchange: () => this.renderTrigger({ kind: this.inputs.kind.value }) },
        ["event", "schedule", "timer"].map((k) => h("option", { value: k, selected: trigger.kind === k }, t(`robots.trigger.${k}`))),
      ),
      conditions: h("textarea", { name: "conditions", rows: 5, placeholder: t("robots.conditions_hint"), value: source && source.conditions ? JSON.stringify(source.conditions, null, 2) : "" }),
    };
    this.triggerBox = h("div", { class: "trigger-box" });
    this.stepsBox = h("ol", { class: "steps-editor" });
    append(
      this.form,
      field("organization_id", t("robots.organization"), this.inputs.organization),
      field("name", t("robots.name"), this.inputs.name),
      field("description", t("robots.description"), this.inputs.description),
      h("fieldset", { class: "trigger" }, h("legend", {}, t("robots.trigger")), field("trigger", t("robots.trigger_kind"), this.inputs.kind), this.triggerBox),
      field("conditions", t("robots.conditions"), this.inputs.conditions),
      h(
        "fieldset",
        { class: "actions", dataset: { field: "actions" } },
        h("legend", {}, t("robots.actions")),
        this.stepsBox,
        h("button", { type: "button", class: "add-action", onclick: () => this.addStep() }, t("robots.add_action")),
        h("span", { class: "field-error", role: "alert" }),
      ),
      h(
        "div",
        { class: "form-buttons" },
        h("button", { type: "submit", class: "primary save" }, t("robots.save")),
        h("button", { type: "button", class: "form-dry-run", onclick: () => this.dryRunForm() }, t("robots.dry_run")),
        h("button", { type: "button", class: "cancel", onclick: () => this.showLog(null) }, t("robots.cancel")),
      ),
      h("div", { class: "dry-run-result" }),
    );
    this.renderTrigger(trigger);
    if (!this.steps.length) this.addStep();
    else this.renderSteps();
    replace(this.panel, h("h3", {}, rule ? rule.name : t("robots.new")), this.form);
  }

  renderTrigger(trigger) {
    const f = (name, label, control) => h("label", { class: "field", dataset: { field: `trigger.${name}` } }, h("span", {}, label), control, h("span", { class: "field-error", role: "alert" }));
    const statusBoxes = (name, chosen) =>
      h("span", { class: "statuses", dataset: { name } }, STATUSES.map((s) => h("label", { class: "inline" }, h("input", { type: "checkbox", value: s, checked: (chosen || []).includes(s) }), ` ${s}`)));
    this.trigger = trigger;
    if (trigger.kind === "event") {
      replace(
        this.triggerBox,
        f("event_type", t("robots.event_type"), h("select", { name: "event_type" }, (this.eventTypes || []).map((e) => h("option", { value: e, selected: e === (trigger.event_type || "appeal.created") }, e)))),
        h("label", { class: "inline" }, h("input", { type: "checkbox", name: "include_robot_events", checked: Boolean(trigger.include_robot_events) }), ` ${t("robots.include_robot_events")}`),
      );
    } else if (trigger.kind === "schedule") {
      replace(
        this.triggerBox,
        f("every_minutes", t("robots.every_minutes"), h("input", { name: "every_minutes", type: "number", min: 1, value: trigger.every_minutes ?? (trigger.cron ? "" : 60) })),
        f("cron", t("robots.cron"), h("input", { name: "cron", value: trigger.cron || "" })),
        f("timezone", t("robots.timezone"), h("input", { name: "timezone", value: trigger.timezone || "" })),
        f("appeal_statuses", t("robots.appeal_statuses"), statusBoxes("appeal_statuses", trigger.appeal_statuses)),
      );
    } else {
      replace(
        this.triggerBox,
        f("field", t("robots.timer_field"), h("select", { name: "field" }, TIMER_FIELDS.map((x) => h("option", { value: x, selected: x === trigger.field }, x)))),
        f("offset_minutes", t("robots.offset_minutes"), h("input", { name: "offset_minutes", type: "number", value: trigger.offset_minutes ?? 60 })),
        f("statuses", t("robots.statuses"), statusBoxes("statuses", trigger.statuses)),
      );
    }
  }

  readTrigger() {
    const box = this.triggerBox;
    const value = (name) => box.querySelector(`[name=${name}]`).value.trim();
    const statuses = (name) => [...box.querySelectorAll(`[data-name=${name}] input:checked`)].map((i) => i.value);
    const kind = this.inputs.kind.value;
    if (kind === "event") return { kind, event_type: value("event_type"), include_robot_events: box.querySelector("[name=include_robot_events]").checked };
    if (kind === "schedule") {
      const trigger = { kind, timezone: value("timezone"), appeal_statuses: statuses("appeal_statuses") };
      if (value("cron")) trigger.cron = value("cron");
      else trigger.every_minutes = Number(value("every_minutes"));
      return trigger;
    }
    return { kind, field: value("field"), offset_minutes: Number(value("offset_minutes") || 0), statuses: statuses("statuses") };
  }

  addStep() {
    this.readSteps();
    const first = (this.actions || [])[0];
    this.steps.push({ action: first ? first.name : "", params: {} });
    this.renderSteps();
  }

  renderSteps() {
    replace(
      this.stepsBox,
      this.steps.map((step, n) => {
        const action = (this.actions || []).find((a) => a.name === step.action);
        const select = h(
          "select",
          {
            class: "action-name",
            onchange: (e) => {
              this.readSteps();
              this.steps[n] = { action: e.target.value, params: {} };
              this.renderSteps();
            },
          },
          (this.actions || []).map((a) => h("option", { value: a.name, selected: a.name === step.action }, title(a))),
        );
        return h(
          "li",
          { class: "step", dataset: { step: n } },
          h("label", { class: "field", dataset: { field: `actions[${n}].action` } }, select, h("span", { class: "field-error", role: "alert" })),
          h("div", { class: "params" }, paramFields(action, step.params || {}, n)),
          h(
            "button",
            {
              type: "button",
              class: "remove-action",
              onclick: () => {
                this.readSteps();
                this.steps.splice(n, 1);
                this.renderSteps();
              },
            },
            t("robots.remove_action"),
          ),
        );
      }),
    );
  }

  /** The steps as the form shows them; throws a field error for parameters that are not JSON. */
  readSteps() {
    if (!this.stepsBox) return this.steps;
    this.steps = [...this.stepsBox.querySelectorAll("li.step")].map((li, n) => {
      const params = {};
      for (const input of li.querySelectorAll("[data-param]")) {
        const name = input.dataset.param;
        const kind = input.dataset.kind;
        if (kind === "boolean") params[name] = input.checked;
        else if (kind === "json") {
          if (!input.value.trim()) continue;
          try {
            params[name] = JSON.parse(input.value);
          } catch (error) {
            throw Object.assign(new Error(t("robots.bad_json", { error: error.message })), { field: `actions[${n}].params.${name}` });
          }
        } else if (input.value === "") continue;
        else params[name] = kind === "number" || kind === "integer" ? Number(input.value) : input.value;
      }
      return { action: li.querySelector(".action-name").value, params };
    });
    return this.steps;
  }

  definition() {
    let conditions = null;
    const text = this.inputs.conditions.value.trim();
    if (text) {
      try {
        conditions = JSON.parse(text);
      } catch (error) {
        throw Object.assign(new Error(t("robots.bad_json", { error: error.message })), { field: "conditions" });
      }
    }
    return { trigger: this.readTrigger(), conditions, actions: this.readSteps() };
  }

  async save(event) {
    event.preventDefault();
    this.clearErrors();
    try {
      const body = { ...this.definition(), name: this.inputs.name.value.trim(), description: this.inputs.description.value };
      let saved;
      if (this.editing) saved = await patch(`/api/robots/rules/${this.editing.id}`, body);
      else saved = await post("/api/robots/rules", { ...body, organization_id: this.inputs.organization.value });
      this.rules = this.editing ? this.rules.map((r) => (r.id === saved.id ? saved : r)) : [...this.rules, saved];
      this.editing = null;
      this.form = null;
      toast(t("robots.saved"));
      this.render();
      this.showLog(saved);
    } catch (error) {
      this.showError(error);
    }
  }

  async dryRunForm() {
    this.clearErrors();
    let definition;
    try {
      definition = this.definition();
    } catch (error) {
      return this.showError(error);
    }
    const organization_id = this.editing ? this.editing.organization_id : this.inputs.organization.value;
    await this.dryRun(null, { ...definition, organization_id });
  }

  clearErrors() {
    for (const el of this.form.querySelectorAll(".field-error")) el.textContent = "";
    for (const el of this.form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  }

  /** Put the error next to the field it names (or the closest enclosing one). */
  showError(error) {
    let name = error.field || "";
    let target = null;
    while (name && !target) {
      target = this.form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (!target) name = name.includes(".") || name.includes("[") ? name.replace(/(\.[^.[\]]*|\[\d+\])$/, "") : "";
    }
    target = target || this.form.querySelector('[data-field="actions"]');
    const slot = target.querySelector(":scope > .field-error") || target.querySelector(".field-error");
    slot.textContent = error.message;
    target.classList.add("invalid");
    target.scrollIntoView({ block: "nearest" });
  }
}

function append(parent, ...children) {
  for (const child of children) if (child) parent.append(child);
}

/** Inputs for an action's parameters from its JSON schema (JSON text for anything nested). */
function paramFields(action, params, n) {
  if (!action) return [];
  const schema = resolve(action.params_schema, action.params_schema);
  const required = new Set(schema.required || []);
  return Object.entries(schema.properties || {}).map(([name, prop]) => {
    const spec = resolve(prop, action.params_schema);
    const value = params[name] ?? spec.default;
    const label = `${name}${required.has(name) ? " *" : ""}`;
    let control;
    const data = { param: name };
    if (Array.isArray(spec.enum)) {
      control = h("select", { dataset: { ...data, kind: "string" } }, [required.has(name) ? null : h("option", { value: "" }, "—"), ...spec.enum.map((v) => h("option", { value: v, selected: v === value }, String(v)))]);
    } else if (spec.type === "boolean") {
      control = h("input", { type: "checkbox", checked: Boolean(value), dataset: { ...data, kind: "boolean" } });
    } else if (spec.type === "integer" || spec.type === "number") {
      control = h("input", { type: "number", step: spec.type === "integer" ? 1 : "any", value: value ?? "", dataset: { ...data, kind: spec.type } });
    } else if (spec.type === "string") {
      control = h("input", { value: value ?? "", dataset: { ...data, kind: "string" } });
    } else {
      control = h("textarea", { rows: 2, value: value === undefined ? "" : JSON.stringify(value), placeholder: t("robots.params_json"), dataset: { ...data, kind: "json" } });
    }
    return h("label", { class: "field param", dataset: { field: `actions[${n}].params.${name}` } }, h("span", {}, label), control, h("span", { class: "field-error", role: "alert" }));
  });
}

function resolve(schema, root) {
  let current = schema || {};
  while (current.$ref) current = root.$defs[current.$ref.split("/").pop()];
  return current;
}

customElements.define("ul-robots", UlRobots);
