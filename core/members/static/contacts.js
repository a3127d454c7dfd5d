// «Контакты» (#/work/contacts[/<member id>]): members of the operator's organizations — search
// by name, phone (any spelling), e-mail, messenger or visitor id; the member card edited in
// place (fields, consents, contact points); merging a duplicate after a preview of what joins;
// linking a provisional member (a web visitor, a new messenger contact) to a known member.

import { del, get, patch, post } from "/console/static/js/api.js";
import { clearErrors, confirmBox, errorText, field, showError } from "/console/static/js/admin-forms.js";
import { h, replace } from "/console/static/js/dom.js";
import { DICTIONARIES, t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";
import { can } from "/console/static/js/store.js";

Object.assign(DICTIONARIES.ru, {
  "contacts.title": "Контакты",
  "contacts.search": "Поиск",
  "contacts.search_hint": "Имя, телефон, e-mail или ID в мессенджере",
  "contacts.nothing": "Никого не нашлось",
  "contacts.more": "Показать ещё",
  "contacts.back": "← Все контакты",
  "contacts.card": "Карточка",
  "contacts.full_name": "ФИО",
  "contacts.organization": "Организация",
  "contacts.status": "Статус членства",
  "contacts.card_number": "Номер профсоюзного билета",
  "contacts.employer": "Место работы",
  "contacts.position": "Должность",
  "contacts.consents": "Согласия на сообщения",
  "contacts.save": "Сохранить",
  "contacts.saved": "Карточка сохранена",
  "contacts.points": "Способы связи",
  "contacts.no_points": "Способов связи нет",
  "contacts.kind": "Вид",
  "contacts.address": "Адрес или номер",
  "contacts.add": "Добавить",
  "contacts.remove": "Удалить",
  "contacts.remove_confirm": "Удалить способ связи {address}?",
  "contacts.unverified": "не подтверждён",
  "contacts.blocked": "недоступен",
  "contacts.provisional": "не подтверждён оператором",
  "contacts.merge": "Объединить с дубликатом",
  "contacts.merge_hint": "Найдите дубликат: его способы связи, согласия и обращения перейдут в эту карточку.",
  "contacts.link": "Это член профсоюза…",
  "contacts.link_hint": "Найдите известного члена профсоюза: этот контакт, его способы связи и обращения перейдут к нему.",
  "contacts.choose": "Выбрать",
  "contacts.preview": "Что объединится",
  "contacts.preview_name": "Останется карточка «{name}»",
  "contacts.preview_contacts": "Способы связи: {list}",
  "contacts.preview_consents": "Согласия: {list}",
  "contacts.preview_appeals": "Обращений: {count}",
  "contacts.preview_fields": "Заполнятся из дубликата: {list}",
  "contacts.none": "нет",
  "contacts.do_merge": "Объединить",
  "contacts.do_link": "Связать",
  "contacts.merged": "Контакты объединены",
  "contacts.linked": "Контакт связан с членом профсоюза",
  "contacts.merged_into": "Эта карточка объединена с другой.",
  "contacts.open_survivor": "Открыть",
  "contacts.kind.phone": "Телефон",
  "contacts.kind.email": "E-mail",
  "contacts.kind.telegram": "Telegram",
  "contacts.kind.vk": "ВКонтакте",
  "contacts.kind.web": "Посетитель сайта",
});
Object.assign(DICTIONARIES.en, {
  "contacts.title": "Contacts",
  "contacts.search": "Search",
  "contacts.search_hint": "Name, phone, e-mail or messenger id",
  "contacts.nothing": "Nobody found",
  "contacts.more": "Show more",
  "contacts.back": "← All contacts",
  "contacts.card": "Card",
  "contacts.full_name": "Full name",
  "contacts.organization": "Organization",
  "contacts.status": "Membership status",
  "contacts.card_number": "Membership card number",
  "contacts.employer": "Employer",
  "contacts.position": "Position",
  "contacts.consents": "Consents to messages",
  "contacts.save": "Save",
  "contacts.saved": "Card saved",
  "contacts.points": "Contact points",
  "contacts.no_points": "No contact points",
  "contacts.kind": "Kind",
  "contacts.address": "Address or number",
  "contacts.add": "Add",
  "contacts.remove": "Remove",
  "contacts.remove_confirm": "Remove contact point {address}?",
  "contacts.unverified": "unverified",
  "contacts.blocked": "unreachable",
  "contacts.provisional": "not confirmed by an operator",
  "contacts.merge": "Merge a duplicate",
  "contacts.merge_hint": "Find the duplicate: its contact points, consents and appeals join this card.",
  "contacts.link": "This is a union member…",
  "contacts.link_hint": "Find the known member: this contact, its contact points and appeals join them.",
  "contacts.choose": "Choose",
  "contacts.preview": "What joins",
  "contacts.preview_name": "The card «{name}» remains",
  "contacts.preview_contacts": "Contact points: {list}",
  "contacts.preview_consents": "Consents: {list}",
  "contacts.preview_appeals": "Appeals: {count}",
  "contacts.preview_fields": "Filled from the duplicate: {list}",
  "contacts.none": "none",
  "contacts.do_merge": "Merge",
  "contacts.do_link": "Link",
  "contacts.merged": "Contacts merged",
  "contacts.linked": "Contact linked to the member",
  "contacts.merged_into": "This card was merged into another.",
  "contacts.open_survivor": "Open",
  "contacts.kind.phone": "Phone",
  "contacts.kind.email": "E-mail",
  "contacts.kind.telegram": "Telegram",
  "contacts.kind.vk": "VK",
  "contacts.kind.web": "Website visitor",
});

const KINDS = ["phone", "email", "telegram", "vk", "web"];
const STATUSES = ["applicant", "member", "suspended", "left", "not_member"];
const CONSENT_CHANNELS = ["email", "phone", "telegram", "vk", "web"];
const FIELD_LABELS = {
  full_name: "contacts.full_name", organization_id: "contacts.organization", status: "contacts.status",
  card_number: "contacts.card_number", employer: "contacts.employer", position: "contacts.position",
  consents: "contacts.consents",
};

function memberName(m) {
  if (m.full_name && m.full_name.trim()) return m.full_name;
  return m.contacts.some((c) => c.kind === "web") ? t("member.web_visitor") : t("member.unnamed");
}

function contactText(c) {
  return `${t(`contacts.kind.${c.kind}`)}: ${c.address}`;
}

function href(id = "") {
  return `#/work/contacts${id ? `/${id}` : ""}`;
}

class ContactsPage extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page", "contacts-page");
    this.query = this.query || "";
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  render() {
    const id = (this.getAttribute("path") || "").split("/")[0];
    if (id) this.showCard(id).catch((e) => this.failed(e));
    else this.showList().catch((e) => this.failed(e));
  }

  failed(error) {
    replace(this, h("p", { class: "notice warn", role: "alert" }, errorText(error)));
  }

  // -- the list -------------------------------------------------------------------------------

  async showList() {
    const input = h("input", { type: "search", name: "q", value: this.query, placeholder: t("contacts.search_hint"), "aria-label": t("contacts.search_hint"), autocomplete: "off" });
    const results = h("div", { class: "contacts-results", "aria-live": "polite" });
    const form = h("form", { class: "operator-filters contacts-search", role: "search", onsubmit: (e) => { e.preventDefault(); this.query = input.value.trim(); fill(); } },
      input, h("button", { type: "submit", class: "primary" }, t("contacts.search")));
    replace(this, h("div", { class: "admin-head" }, h("h2", {}, t("contacts.title"))), form, results);
    const fill = async () => {
      const page = await get("/api/members/", { q: this.query || null, limit: 50 });
      replace(results, memberList(page.items, (m) => h("a", { href: href(m.id), class: "card-title contact-open" }, memberName(m))));
      if (page.next_cursor) {
        let cursor = page.next_cursor;
        const more = h("button", { type: "button", class: "contacts-more", onclick: async () => {
          const next = await get("/api/members/", { q: this.query || null, limit: 50, cursor });
          results.querySelector("ul").append(...memberList(next.items, (m) => h("a", { href: href(m.id), class: "card-title contact-open" }, memberName(m))).children);
          cursor = next.next_cursor;
          if (!cursor) more.remove();
        } }, t("contacts.more"));
        results.append(more);
      }
    };
    await fill();
  }

  // -- the card -------------------------------------------------------------------------------

  async showCard(id) {
    const [member, organizations] = await Promise.all([get(`/api/members/${id}`), this.organizations()]);
    const head = h("div", { class: "admin-head" }, h("a", { href: href(), class: "contacts-back" }, t("contacts.back")));
    if (member.merged_into) {
      replace(this, head, h("p", { class: "notice" }, t("contacts.merged_into"), " ", h("a", { href: href(member.merged_into) }, t("contacts.open_survivor"))));
      return;
    }
    replace(
      this,
      head,
      h("h2", { class: "contact-name" }, memberName(member), member.provisional ? h("span", { class: "chip warn" }, t("contacts.provisional")) : null),
      this.cardForm(member, organizations),
      this.contactPoints(member),
      member.provisional ? this.joinSection(member, "link") : null,
      can("members.merge") ? this.joinSection(member, "merge") : null,
    );
  }

  async organizations() {
    if (!this.orgs) this.orgs = await get("/api/organizations/").catch(() => []);
    return Array.isArray(this.orgs) ? this.orgs : this.orgs.items || [];
  }

  cardForm(member, organizations) {
    const input = (name, value) => h("input", { name, value: value ?? "" });
    const name = input("full_name", member.full_name);
    const org = h("select", { name: "organization_id" },
      organizations.map((o) => h("option", { value: o.id, selected: o.id === member.organization_id }, o.name)));
    if (!organizations.some((o) => o.id === member.organization_id)) org.append(h("option", { value: member.organization_id, selected: true }, member.organization_id));
    const status = h("select", { name: "status" }, STATUSES.map((s) => h("option", { value: s, selected: s === member.status }, t(`member.status.${s}`))));
    const card = input("card_number", member.card_number);
    const employer = input("employer", member.employer);
    const position = input("position", member.position);
    const channels = [...new Set([...CONSENT_CHANNELS, ...Object.keys(member.consents)])];
    const consentBoxes = channels.map((c) => {
      const box = h("input", { type: "checkbox", name: `consent-${c}`, checked: Boolean(member.consents[c] && member.consents[c].granted), dataset: { channel: c } });
      return h("label", { class: "check" }, box, t(`contacts.kind.${c}`) === `contacts.kind.${c}` ? c : t(`contacts.kind.${c}`));
    });
    const form = h("form", { class: "admin-form contact-card", "aria-label": t("contacts.card") },
      field("full_name", t("contacts.full_name"), name, { required: true }),
      field("organization_id", t("contacts.organization"), org),
      field("status", t("contacts.status"), status),
      field("card_number", t("contacts.card_number"), card),
      field("employer", t("contacts.employer"), employer),
      field("position", t("contacts.position"), position),
      h("fieldset", { dataset: { field: "consents" } }, h("legend", {}, t("contacts.consents")), consentBoxes, h("span", { class: "field-error", role: "alert" })),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("contacts.save"))),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      clearErrors(form);
      const consents = {};
      for (const box of form.querySelectorAll("input[data-channel]")) {
        const before = Boolean(member.consents[box.dataset.channel] && member.consents[box.dataset.channel].granted);
        if (box.checked !== before) consents[box.dataset.channel] = box.checked;
      }
      const body = {
        full_name: name.value, organization_id: org.value, status: status.value,
        card_number: card.value.trim() || null, employer: employer.value, position: position.value, consents,
      };
      if (member.provisional) body.provisional = false;
      try {
        await patch(`/api/members/${member.id}`, body);
        toast(t("contacts.saved"), "ok");
        this.render();
      } catch (error) {
        showError(form, error);
      }
    };
    return form;
  }

  contactPoints(member) {
    const list = h("ul", { class: "admin-cards contact-points" },
      member.contacts.length ? member.contacts.map((c) => {
        const buttons = h("div", { class: "card-buttons" });
        const remove = h("button", { type: "button", class: "contact-remove", onclick: () => {
          replace(buttons, confirmBox(t("contacts.remove_confirm", { address: c.address }), t("contacts.remove"), async () => {
            try {
              await del(`/api/members/${member.id}/contacts/${c.id}`);
              this.render();
            } catch (error) {
              toast(errorText(error), "error");
              replace(buttons, remove);
            }
          }, () => replace(buttons, remove)));
        } }, t("contacts.remove"));
        buttons.append(remove);
        return h("li", { class: "admin-card contact-point", dataset: { kind: c.kind } },
          h("span", { class: "card-title" }, contactText(c),
            c.verified ? null : h("span", { class: "chip off" }, t("contacts.unverified")),
            c.blocked ? h("span", { class: "chip warn" }, t("contacts.blocked")) : null),
          buttons);
      }) : h("li", { class: "admin-card" }, t("contacts.no_points")));
    const kind = h("select", { name: "kind" }, KINDS.map((k) => h("option", { value: k }, t(`contacts.kind.${k}`))));
    const address = h("input", { name: "address", autocomplete: "off" });
    const add = h("form", { class: "admin-form contact-add" },
      field("kind", t("contacts.kind"), kind),
      field("address", t("contacts.address"), address, { required: true }),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit" }, t("contacts.add"))));
    add.onsubmit = async (event) => {
      event.preventDefault();
      clearErrors(add);
      try {
        await post(`/api/members/${member.id}/contacts`, { kind: kind.value, address: address.value });
        this.render();
      } catch (error) {
        showError(add, error);
      }
    };
    return h("section", { class: "contact-points-section" }, h("h3", {}, t("contacts.points")), list, add);
  }

  // -- merge and link -------------------------------------------------------------------------

  /** ``mode`` "merge": another member (the duplicate) joins this one; "link": this provisional
   * member joins a known one. Both preview first. */
  joinSection(member, mode) {
    const input = h("input", { type: "search", name: `${mode}-q`, placeholder: t("contacts.search_hint"), "aria-label": t("contacts.search_hint"), autocomplete: "off" });
    const found = h("div", { class: "join-found" });
    const preview = h("div", { class: "join-preview", "aria-live": "polite" });
    const search = h("form", { class: "operator-filters", role: "search" }, input, h("button", { type: "submit" }, t("contacts.search")));
    search.onsubmit = async (event) => {
      event.preventDefault();
      replace(preview);
      const page = await get("/api/members/", { q: input.value.trim() || null, limit: 20 });
      const others = page.items.filter((m) => m.id !== member.id && (mode === "merge" || !m.provisional));
      replace(found, memberList(others, (m) => h("span", { class: "card-title" }, memberName(m)),
        (m) => h("button", { type: "button", class: "join-choose", onclick: () => this.preview(member, m, mode, preview).catch((e) => replace(preview, h("p", { class: "notice warn", role: "alert" }, errorText(e)))) }, t("contacts.choose"))));
    };
    return h("section", { class: `join-section join-${mode}` },
      h("h3", {}, t(`contacts.${mode}`)), h("p", { class: "admin-intro" }, t(`contacts.${mode}_hint`)), search, found, preview);
  }

  async preview(member, other, mode, slot) {
    const [source, target] = mode === "merge" ? [other, member] : [member, other];
    const body = { source_id: source.id, target_id: target.id };
    const p = await post("/api/members/merge/preview", body);
    const list = (items) => (items.length ? items.join(", ") : t("contacts.none"));
    const consentNames = p.consents.map((c) => t(`contacts.kind.${c}`) === `contacts.kind.${c}` ? c : t(`contacts.kind.${c}`));
    const filled = p.changed.filter((f) => FIELD_LABELS[f] && f !== "consents").map((f) => t(FIELD_LABELS[f]));
    const go = async () => {
      try {
        const result = mode === "merge" ? await post("/api/members/merge", body) : await post(`/api/members/${member.id}/link`, { target_id: target.id });
        toast(t(mode === "merge" ? "contacts.merged" : "contacts.linked"), "ok");
        if (result.id === member.id) this.render();
        else location.hash = href(result.id);
      } catch (error) {
        replace(slot, h("p", { class: "notice warn", role: "alert" }, errorText(error)));
      }
    };
    replace(slot, h("div", { class: "notice merge-preview" },
      h("h4", {}, t("contacts.preview")),
      h("p", { class: "preview-name" }, t("contacts.preview_name", { name: p.result.full_name || memberName(p.target) })),
      h("ul", {},
        h("li", { class: "preview-contacts" }, t("contacts.preview_contacts", { list: list(p.contacts.map(contactText)) })),
        h("li", { class: "preview-consents" }, t("contacts.preview_consents", { list: list(consentNames) })),
        h("li", { class: "preview-appeals" }, t("contacts.preview_appeals", { count: p.history.appeals ?? 0 })),
        filled.length ? h("li", { class: "preview-fields" }, t("contacts.preview_fields", { list: filled.join(", ") })) : null),
      h("div", { class: "form-buttons" }, h("button", { type: "button", class: "primary join-confirm", onclick: go }, t(mode === "merge" ? "contacts.do_merge" : "contacts.do_link")))));
  }
}

function memberList(members, title, action = null) {
  if (!members.length) return h("p", { class: "contacts-nothing" }, t("contacts.nothing"));
  return h("ul", { class: "admin-cards contacts-list" }, members.map((m) =>
    h("li", { class: "admin-card contact-row", dataset: { memberId: m.id } },
      title(m),
      h("span", { class: "card-meta" },
        h("span", {}, t(`member.status.${m.status}`)),
        m.card_number ? h("span", {}, `№ ${m.card_number}`) : null,
        ...m.contacts.slice(0, 3).map((c) => h("span", {}, contactText(c)))),
      action ? h("div", { class: "card-buttons" }, action(m)) : null)));
}

customElements.define("ul-contacts", ContactsPage);
