// «Очереди» (#/admin/queues): the routing queues of the organizations the administrator or
// supervisor manages — how appeals are shared out (strategy), which skills they need, the
// order, business hours, offers and overflow; create, edit, delete. REST: /api/routing/queues/.
// Every strategy and field is said in words; an operator's capacity is set in «Операторы».

import { del, get, patch, post } from "/console/static/js/api.js";
import { clearErrors, confirmBox, errorText, field, showError } from "/console/static/js/admin-forms.js";
import { h, replace } from "/console/static/js/dom.js";
import { DICTIONARIES, t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";
import { ENGLISH, RUSSIAN } from "./queues-strings.js";

Object.assign(DICTIONARIES.ru, RUSSIAN);
Object.assign(DICTIONARIES.en, ENGLISH);

export const STRATEGIES = ["least_busy", "round_robin", "skills", "own_operator", "pool"];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/** A strategy in words; a plugin's (namespaced) one by its name. */
export function strategyName(name) {
  return STRATEGIES.includes(name) ? t(`queue.strategy.${name}`) : t("queue.strategy.plugin", { name });
}

function explain(error) {
  if (error.code === "conflict" && !error.field) return t("queue.delete_conflict");
  return undefined;
}

class UlAdminQueues extends HTMLElement {
  connectedCallback() {
    this.classList.add("admin-page");
    this.open = null; // {id, mode: "edit" | "delete"} or {id: null, mode: "new"}
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  async load() {
    try {
      const [queues, organizations] = await Promise.all([get("/api/routing/queues/"), get("/api/organizations/").catch(() => [])]);
      this.queues = queues;
      this.organizations = organizations.filter((o) => !o.archived);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.render();
  }

  render() {
    if (!this.queues) return replace(this, h("p", { class: this.error ? "page-missing" : "muted" }, this.error ? errorText(this.error) : t("admin.loading")));
    replace(
      this,
      h(
        "div",
        { class: "admin-head" },
        h("h2", {}, t("queue.title")),
        h("button", { type: "button", class: "primary new-queue", onclick: () => this.toggle(null, "new") }, t("queue.new")),
      ),
      h("p", { class: "admin-intro" }, t("queue.intro")),
      this.open && this.open.mode === "new" ? this.queueForm(null) : null,
      this.queues.length ? h("ul", { class: "admin-cards queue-list" }, this.queues.map((q) => this.card(q))) : h("p", { class: "muted" }, t("queue.empty")),
    );
  }

  toggle(id, mode) {
    const same = this.open && this.open.id === id && this.open.mode === mode;
    this.open = same ? null : { id, mode };
    this.render();
    const first = this.querySelector("form.queue-form input, .confirm button");
    if (first) first.focus();
  }

  orgName(id) {
    const org = this.organizations.find((o) => o.id === id);
    return org ? org.name : t("admin.out_of_scope");
  }

  card(q) {
    const mode = this.open && this.open.id === q.id ? this.open.mode : null;
    const overflow = q.overflow_queue_id ? this.queues.find((x) => x.id === q.overflow_queue_id) : null;
    const days = q.workdays.map((d) => t(`queue.day.${d}`)).join(", ");
    return h(
      "li",
      { class: "admin-card queue", dataset: { queueId: q.id } },
      h(
        "div",
        { class: "card-title" },
        h("span", { class: "queue-name" }, q.name),
        h("span", { class: "chip queue-strategy" }, strategyName(q.strategy)),
        q.is_default ? h("span", { class: "chip ok" }, t("queue.default_chip")) : null,
        q.business_hours ? h("span", { class: `chip ${q.open_now ? "ok" : "off"}` }, t(q.open_now ? "queue.open_now" : "queue.closed_now")) : null,
      ),
      h(
        "div",
        { class: "card-meta" },
        h("span", {}, this.orgName(q.organization_id)),
        q.topic ? h("span", {}, t("queue.topic_of", { topic: q.topic })) : null,
        q.skills.length ? h("span", { class: "queue-skills" }, t("queue.skills_of", { skills: q.skills.join(", ") })) : null,
        h("span", {}, t("queue.priority_of", { n: q.priority })),
        q.business_hours ? h("span", {}, t("queue.hours_of", { start: q.work_start, end: q.work_end, days })) : h("span", {}, t("queue.always")),
        q.offer_timeout ? h("span", {}, t("queue.offer_of", { n: q.offer_timeout })) : null,
        overflow ? h("span", {}, t("queue.overflow_of", { name: overflow.name, n: q.overflow_after_minutes })) : null,
      ),
      h(
        "div",
        { class: "card-buttons" },
        h("button", { type: "button", class: "edit", "aria-expanded": String(mode === "edit"), onclick: () => this.toggle(q.id, "edit") }, t("queue.edit")),
        h("button", { type: "button", class: "delete", "aria-expanded": String(mode === "delete"), onclick: () => this.toggle(q.id, "delete") }, t("queue.delete")),
      ),
      mode === "delete" ? confirmBox(t("queue.delete_confirm", { name: q.name }), t("queue.delete"), () => this.remove(q), () => this.toggle(null, null)) : null,
      mode === "edit" ? this.queueForm(q) : null,
    );
  }

  /** The queue's form: ``q`` null for a new queue. */
  queueForm(q) {
    const v = q || { name: "", topic: "", skills: [], priority: 0, strategy: "least_busy", is_default: false, business_hours: false, timezone: "", work_start: "09:00", work_end: "18:00", workdays: [1, 2, 3, 4, 5], holidays: [], offer_timeout: 0, overflow_queue_id: null, overflow_after_minutes: 0, requeue_when_offline: false };
    const strategies = STRATEGIES.includes(v.strategy) ? STRATEGIES : [...STRATEGIES, v.strategy];
    const i = {
      name: h("input", { name: "name", maxlength: 200, value: v.name, autocomplete: "off" }),
      topic: h("input", { name: "topic", maxlength: 200, value: v.topic, autocomplete: "off" }),
      strategy: h("select", { name: "strategy" }, strategies.map((s) => h("option", { value: s, selected: s === v.strategy }, strategyName(s)))),
      skills: h("input", { name: "skills", value: v.skills.join(", "), autocomplete: "off" }),
      priority: h("input", { name: "priority", type: "number", inputmode: "numeric", min: -1000, max: 1000, value: v.priority }),
      is_default: h("input", { name: "is_default", type: "checkbox", checked: v.is_default }),
      business_hours: h("input", { name: "business_hours", type: "checkbox", checked: v.business_hours }),
      timezone: h("input", { name: "timezone", maxlength: 64, value: v.timezone, placeholder: "Europe/Moscow", autocomplete: "off" }),
      work_start: h("input", { name: "work_start", type: "time", value: v.work_start }),
      work_end: h("input", { name: "work_end", type: "time", value: v.work_end }),
      holidays: h("textarea", { name: "holidays", rows: 2, value: v.holidays.join("\n") }),
      offer_timeout: h("input", { name: "offer_timeout", type: "number", inputmode: "numeric", min: 0, max: 3600, value: v.offer_timeout }),
      overflow: h(
        "select",
        { name: "overflow_queue_id" },
        h("option", { value: "", selected: !v.overflow_queue_id }, t("queue.no_overflow")),
        this.queues.filter((x) => !q || x.id !== q.id).map((x) => h("option", { value: x.id, selected: x.id === v.overflow_queue_id }, x.name)),
      ),
      overflow_after: h("input", { name: "overflow_after_minutes", type: "number", inputmode: "numeric", min: 0, max: 10080, value: v.overflow_after_minutes }),
      requeue: h("input", { name: "requeue_when_offline", type: "checkbox", checked: v.requeue_when_offline }),
    };
    const days = WEEKDAYS.map((d) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "workday", value: String(d), checked: v.workdays.includes(d) }), " ", t(`queue.day.${d}`)));
    const parts = [];
    if (!q) {
      i.organization = h("select", { name: "organization_id" }, this.organizations.map((o) => h("option", { value: o.id }, `${"· ".repeat(o.depth || 0)}${o.name}`)));
      parts.push(field("organization_id", t("queue.f.organization"), i.organization, { help: t("queue.h.organization"), required: true }));
    }
    parts.push(
      field("name", t("queue.f.name"), i.name, { help: t("queue.h.name"), required: true }),
      field("topic", t("queue.f.topic"), i.topic, { help: t("queue.h.topic") }),
      field("strategy", t("queue.f.strategy"), i.strategy, { help: t("queue.h.strategy") }),
      h("ul", { class: "muted queue-strategy-help" }, STRATEGIES.map((s) => h("li", {}, h("strong", {}, strategyName(s)), " — ", t(`queue.strategy_help.${s}`)))),
      field("skills", t("queue.f.skills"), i.skills, { help: t("queue.h.skills") }),
      field("priority", t("queue.f.priority"), i.priority, { help: t("queue.h.priority") }),
      field("is_default", t("queue.f.is_default"), i.is_default, { help: t("queue.h.is_default") }),
      h("p", { class: "field-help" }, t("queue.capacity_note")),
      h(
        "fieldset",
        {},
        h("legend", {}, t("queue.hours")),
        field("business_hours", t("queue.f.business_hours"), i.business_hours, { help: t("queue.h.business_hours") }),
        field("work_start", t("queue.f.work_start"), i.work_start),
        field("work_end", t("queue.f.work_end"), i.work_end, { help: t("queue.h.work_end") }),
        h("div", { class: "field", dataset: { field: "workdays" } }, h("span", { class: "label" }, t("queue.f.workdays")), h("div", { class: "queue-days" }, days), h("span", { class: "field-error", role: "alert" })),
        field("holidays", t("queue.f.holidays"), i.holidays, { help: t("queue.h.holidays") }),
        field("timezone", t("queue.f.timezone"), i.timezone, { help: t("queue.h.timezone") }),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, t("queue.offers")),
        field("offer_timeout", t("queue.f.offer_timeout"), i.offer_timeout, { help: t("queue.h.offer_timeout") }),
        field("requeue_when_offline", t("queue.f.requeue"), i.requeue, { help: t("queue.h.requeue") }),
        field("overflow_queue_id", t("queue.f.overflow"), i.overflow, { help: t("queue.h.overflow") }),
        field("overflow_after_minutes", t("queue.f.overflow_after"), i.overflow_after, { help: t("queue.h.overflow_after") }),
      ),
    );
    const form = h(
      "form",
      { class: `admin-form queue-form ${q ? "queue-form-edit" : "queue-form-new"}`, novalidate: true, onsubmit: (e) => this.submit(e, form, q, i) },
      parts,
      h("p", { class: "form-error", role: "alert" }),
      h(
        "div",
        { class: "form-buttons" },
        h("button", { type: "submit", class: "primary submit" }, q ? t("admin.save") : t("admin.create")),
        h("button", { type: "button", class: "cancel", onclick: () => this.toggle(null, null) }, t("admin.cancel")),
      ),
    );
    return form;
  }

  async submit(event, form, q, i) {
    event.preventDefault();
    clearErrors(form);
    const body = {
      name: i.name.value.trim(),
      topic: i.topic.value.trim(),
      strategy: i.strategy.value,
      skills: i.skills.value.split(",").map((s) => s.trim()).filter(Boolean),
      priority: Number(i.priority.value || 0),
      is_default: i.is_default.checked,
      business_hours: i.business_hours.checked,
      timezone: i.timezone.value.trim(),
      work_start: i.work_start.value || "09:00",
      work_end: i.work_end.value || "18:00",
      workdays: [...form.querySelectorAll("input[name=workday]:checked")].map((x) => Number(x.value)),
      holidays: i.holidays.value.split(/[\s,]+/).filter(Boolean),
      offer_timeout: Number(i.offer_timeout.value || 0),
      overflow_queue_id: i.overflow.value || null,
      overflow_after_minutes: Number(i.overflow_after.value || 0),
      requeue_when_offline: i.requeue.checked,
    };
    if (!body.name) return showError(form, { field: "name", code: "invalid" }, t("admin.error.missing"));
    try {
      if (q) {
        await patch(`/api/routing/queues/${q.id}`, body);
        toast(t("queue.saved", { name: body.name }));
      } else {
        await post("/api/routing/queues/", { ...body, organization_id: i.organization.value });
        toast(t("queue.created", { name: body.name }));
      }
    } catch (error) {
      return showError(form, error, explain(error));
    }
    this.open = null;
    await this.load();
  }

  async remove(q) {
    try {
      await del(`/api/routing/queues/${q.id}`);
      toast(t("queue.deleted", { name: q.name }));
    } catch (error) {
      toast(explain(error) || errorText(error), "error");
    }
    this.open = null;
    await this.load();
  }
}

if (!customElements.get("ul-admin-queues")) customElements.define("ul-admin-queues", UlAdminQueues);
