// The robots page (#/robots): automation rules of the supervisor's organizations — the list
// with an enabled switch, a form to create and edit built from controls with human names
// (robot-builder.js, from GET /api/robots/catalog: the trigger, conditions as rows and groups,
// actions with their parameters' controls) or, in «Расширенный режим», the rule's JSON; dry
// runs and the rules log. Errors the API names a field for are shown next to that control.

import { confirmBox } from "../js/admin-forms.js";
import { get, patch, post, request } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { fullTime } from "../js/format.js";
import { lang, t } from "../js/i18n.js";
import "../js/robots-i18n.js";
import { errorText, toast } from "../js/notify.js";
import { can } from "../js/store.js";
import { conditionsEditor, label, paramControls, readParams, shape, triggerEditor } from "./robot-builder.js";

export function seesRobots() {
  return can("robots.read");
}

function stylesheet() {
  if (document.querySelector("link[data-robots-css]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/console/static/robots.css", dataset: { robotsCss: "1" } }));
}

function triggerText(trigger, catalog) {
  if (trigger.kind === "event") {
    const event = ((catalog && catalog.events) || []).find((e) => e.type === trigger.event_type);
    return `${t("robots.trigger.event")}: ${label(event && event.label, trigger.event_type)}`;
  }
  if (trigger.kind === "schedule") {
    const when = trigger.cron ? `cron ${trigger.cron}` : `${trigger.every_minutes} min`;
    return `${t("robots.trigger.schedule")}: ${when}`;
  }
  const sign = trigger.offset_minutes >= 0 ? "+" : "";
  const field = ((catalog && catalog.timer_fields) || []).find((f) => f.value === trigger.field);
  return `${t("robots.trigger.timer")}: ${sign}${trigger.offset_minutes} ${t("robots.builder.minutes")} ${label(field && field.label, trigger.field)}`;
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
      const [rules, catalog, organizations] = await Promise.all([get("/api/robots/rules"), get("/api/robots/catalog"), get("/api/organizations/")]);
      const templates = await get("/api/robots/templates").catch(() => []);
      Object.assign(this, { rules, catalog, actions: catalog.actions, organizations, templates, error: null });
    } catch (error) {
      this.error = errorText(error);
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
        h("div", { class: "muted small" }, triggerText(rule.trigger, this.catalog)),
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
        this.manages ? h("button", { type: "button", class: "delete", onclick: (e) => this.askRemove(rule, e.currentTarget) }, t("robots.delete")) : null,
      ),
    );
  }

  async setEnabled(rule, enabled) {
    try {
      const updated = await post(`/api/robots/rules/${rule.id}/${enabled ? "enable" : "disable"}`);
      this.rules = this.rules.map((r) => (r.id === rule.id ? updated : r));
    } catch (error) {
      toast(errorText(error), "error");
    }
    this.render();
  }

  /** «Удалить правило …?» under the rule's buttons; «Отмена» gives the focus back to ``button``. */
  askRemove(rule, button) {
    const box = confirmBox(t("robots.delete_confirm", { name: rule.name }), t("robots.delete"), () => this.remove(rule), () => {
      box.remove();
      button.setAttribute("aria-expanded", "false");
      if (button.isConnected) button.focus();
    });
    button.closest("li.rule").append(box);
    button.setAttribute("aria-expanded", "true");
    box.querySelector(".confirm-yes").focus();
  }

  async remove(rule) {
    try {
      await request("DELETE", `/api/robots/rules/${rule.id}`);
      this.rules = this.rules.filter((r) => r.id !== rule.id);
    } catch (error) {
      toast(errorText(error), "error");
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
    if (page.error) return replace(this.panel, h("p", { class: "error" }, errorText(page.error)));
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
      return toast(errorText(error), "error");
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
    const draft = {
      trigger: source ? source.trigger : { kind: "event", event_type: "appeal.message_in" },
      conditions: source ? source.conditions : null,
      actions: source ? source.actions.map((a) => ({ ...a })) : [],
    };
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
    };
    this.modeButton = h("button", { type: "button", class: "advanced-mode", "aria-pressed": "false", onclick: () => this.toggleMode() }, t("robots.builder.advanced"));
    this.builderBox = h("div", { class: "builder" });
    append(
      this.form,
      field("organization_id", t("robots.organization"), this.inputs.organization),
      field("name", t("robots.name"), this.inputs.name),
      field("description", t("robots.description"), this.inputs.description),
      h("div", { class: "mode-switch" }, this.modeButton),
      this.builderBox,
      h(
        "div",
        { class: "form-buttons" },
        h("button", { type: "submit", class: "primary save" }, t("robots.save")),
        h("button", { type: "button", class: "form-dry-run", onclick: () => this.dryRunForm() }, t("robots.dry_run")),
        h("button", { type: "button", class: "cancel", onclick: () => this.showLog(null) }, t("robots.cancel")),
      ),
      h("div", { class: "dry-run-result" }),
    );
    if (shape(draft.conditions)) this.showBuilder(draft);
    else this.showAdvanced(draft, t("robots.builder.cannot_show"));
    replace(this.panel, h("h3", {}, rule ? rule.name : t("robots.new")), this.form);
  }

  /** The trigger, conditions and actions as controls. */
  showBuilder(draft) {
    this.advanced = null;
    this.modeButton.setAttribute("aria-pressed", "false");
    this.modeButton.textContent = t("robots.builder.advanced");
    this.steps = draft.actions.map((a) => ({ ...a }));
    this.triggerEditor = triggerEditor(this.catalog, draft.trigger);
    this.conditionsEditor = conditionsEditor(this.catalog, draft.conditions, this.organizations);
    this.stepsBox = h("ol", { class: "steps-editor" });
    replace(
      this.builderBox,
      h("fieldset", { class: "trigger" }, h("legend", {}, t("robots.trigger")), this.triggerEditor),
      h("fieldset", { class: "conditions" }, h("legend", {}, t("robots.builder.conditions")), this.conditionsEditor),
      h(
        "fieldset",
        { class: "actions", dataset: { field: "actions" } },
        h("legend", {}, t("robots.actions")),
        this.stepsBox,
        h("button", { type: "button", class: "add-action", onclick: () => this.addStep() }, t("robots.add_action")),
        h("span", { class: "field-error", role: "alert" }),
      ),
    );
    if (!this.steps.length) this.addStep();
    else this.renderSteps();
  }

  /** The rule's definition as JSON text («Расширенный режим»). */
  showAdvanced(draft, notice = "") {
    this.modeButton.setAttribute("aria-pressed", "true");
    this.modeButton.textContent = t("robots.builder.to_builder");
    this.stepsBox = null;
    this.advanced = h("textarea", { name: "definition", class: "definition-json", rows: 16, spellcheck: false, value: JSON.stringify(draft, null, 2) });
    replace(
      this.builderBox,
      notice ? h("p", { class: "notice warn builder-notice" }, notice) : null,
      h("label", { class: "field", dataset: { field: "definition" } }, h("span", {}, t("robots.builder.json")), this.advanced, h("span", { class: "field-error", role: "alert" })),
    );
  }

  toggleMode() {
    this.clearErrors();
    let draft;
    try {
      draft = this.definition();
    } catch (error) {
      return this.showError(error);
    }
    if (!this.advanced) return this.showAdvanced(draft);
    if (!draft || !draft.trigger || !Array.isArray(draft.actions)) return this.showError({ field: "definition", message: t("robots.builder.bad_definition") });
    if (!shape(draft.conditions || null)) return this.showError({ field: "definition", message: t("robots.builder.cannot_show") });
    this.showBuilder({ trigger: draft.trigger, conditions: draft.conditions || null, actions: draft.actions });
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
            "aria-label": t("robots.action_n", { n: n + 1 }),
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
          h("div", { class: "params" }, paramControls(action, step.params || {}, n)),
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
    this.steps = [...this.stepsBox.querySelectorAll(":scope > li.step")].map((li, n) => ({
      action: li.querySelector(".action-name").value,
      params: readParams(li.querySelector(".params"), n),
    }));
    return this.steps;
  }

  definition() {
    if (this.advanced) {
      try {
        return JSON.parse(this.advanced.value);
      } catch (error) {
        throw Object.assign(new Error(t("robots.bad_json", { error: error.message })), { field: "definition" });
      }
    }
    return { trigger: this.triggerEditor.read(), conditions: this.conditionsEditor.read(), actions: this.readSteps() };
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

  /** Put the error next to the field it names (or the closest enclosing one), in words. */
  showError(error) {
    let name = error.field || "";
    let target = null;
    while (name && !target) {
      target = this.form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (!target) name = name.includes(".") || name.includes("[") ? name.replace(/(\.[^.[\]]*|\[\d+\])$/, "") : "";
    }
    const own = !error.code && error.message; // the page's own words (bad JSON, the builder)
    if (this.advanced && !target) target = this.form.querySelector('[data-field="definition"]');
    if (!target && error.field && error.field.startsWith("conditions")) target = this.form.querySelector('[data-field="conditions"]');
    target = target || this.form.querySelector('[data-field="actions"]') || this.form.querySelector('[data-field="definition"]');
    const slot = target.querySelector(":scope > .field-error") || target.querySelector(".field-error");
    slot.textContent = own ? error.message : error.field ? t("robots.builder.fix_this") : errorText(error);
    target.classList.add("invalid");
    target.scrollIntoView({ block: "nearest" });
  }
}

function append(parent, ...children) {
  for (const child of children) if (child) parent.append(child);
}

customElements.define("ul-robots", UlRobots);
