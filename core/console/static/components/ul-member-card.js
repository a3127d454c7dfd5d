// The member card: name, status, card number, workplace, every contact point, and the
// member's appeals on every channel (from /api/appeals/by-member/{id}).

import { get } from "../js/api.js";
import { coalesce, h, replace } from "../js/dom.js";
import { channelIcon, statusChip, time } from "../js/format.js";
import { t } from "../js/i18n.js";
import { can, displayName, loadMember, on, store, upsertAppeal } from "../js/store.js";
import { newConversation } from "./new-conversation.js";

const CONTACT_ICONS = { phone: "☎", email: "✉", telegram: "TG", vk: "VK", web: "◎" };

class UlMemberCard extends HTMLElement {
  connectedCallback() {
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.redraw = coalesce(() => this.render());
    this.offs = [on("appeals", () => this.refreshAppeals()), on("members", () => this.memberChanged())];
    this.show(this.getAttribute("member-id"), this.getAttribute("appeal-id"));
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
    this.offs.forEach((off) => off());
  }

  async show(memberId, appealId) {
    this.memberId = memberId;
    this.appealId = appealId;
    this.member = null;
    this.appealIds = [];
    this.render();
    if (!memberId) return;
    const [member, page] = await Promise.all([
      loadMember(memberId, true),
      get(`/api/appeals/by-member/${memberId}`, { limit: 50 }).catch(() => ({ items: [] })),
    ]);
    if (memberId !== this.memberId) return;
    this.member = member;
    page.items.forEach(upsertAppeal);
    this.appealIds = page.items.map((a) => a.id);
    this.render();
  }

  memberChanged() {
    const fresh = store.members.get(this.memberId);
    if (this.member && fresh && fresh !== this.member) {
      this.member = fresh;
      this.redraw();
    }
  }

  refreshAppeals() {
    // Status changes show live, and a new appeal of this member (another channel, a reopen)
    // joins the list.
    if (!this.member) return;
    const mine = [...store.appeals.values()].filter((a) => a.member_id === this.memberId).map((a) => a.id);
    this.appealIds = [...new Set([...this.appealIds, ...mine])];
    this.redraw();
  }

  render() {
    const m = this.member;
    if (!m) {
      replace(this, h("section", { class: "member-card" }, h("h2", {}, t("member.title")), h("p", { class: "muted" }, t("list.loading"))));
      return;
    }
    replace(
      this,
      h(
        "section",
        { class: "member-card", "aria-label": t("member.title") },
        h("h2", { class: "member-name" }, m.erased ? t("member.erased") : displayName(m)),
        h(
          "p",
          { class: "member-facts" },
          h("span", { class: "chip" }, t(`member.status.${m.status}`)),
          m.provisional ? h("span", { class: "chip warn" }, t("member.provisional")) : null,
          m.card_number ? h("span", { class: "member-cardno" }, t("member.card", { card: m.card_number })) : null,
        ),
        m.employer || m.position ? h("p", { class: "member-work" }, [m.position, m.employer].filter(Boolean).join(", ")) : null,
        h("h3", {}, t("member.contacts")),
        h("ul", { class: "contacts" }, (m.contacts || []).map((c) => this.contact(c))),
        can("appeals.manage") && !m.erased ? h("button", { type: "button", class: "write-first", onclick: () => newConversation(m.id) }, t("outbound.open")) : null,
        h("h3", {}, t("member.previous")),
        this.appeals(),
      ),
    );
  }

  contact(c) {
    const notes = [];
    if (c.verified) notes.push(t("member.verified"));
    if (c.blocked) notes.push(t("member.blocked", { reason: c.blocked_reason || "—" }));
    return h(
      "li",
      { class: c.blocked ? "blocked" : "", dataset: { kind: c.kind } },
      h("span", { class: "badge contact-kind", title: c.kind }, CONTACT_ICONS[c.kind] || c.kind),
      h("span", { class: "address" }, c.address),
      notes.length ? h("span", { class: "muted" }, ` (${notes.join(", ")})`) : null,
    );
  }

  appeals() {
    const list = this.appealIds
      .map((id) => store.appeals.get(id))
      .filter(Boolean)
      .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at));
    if (list.length <= 1 && (!list.length || list[0].id === this.appealId)) return h("p", { class: "muted" }, t("member.none"));
    return h(
      "ul",
      { class: "member-appeals" },
      list.map((a) =>
        h(
          "li",
          { class: a.id === this.appealId ? "current" : "" },
          h("a", { href: `#/-/${a.id}` }, channelIcon(a.channel), h("span", { class: "row-number" }, a.number), statusChip(a.status), h("span", { class: "muted" }, time(a.created_at || a.updated_at))),
          a.subject ? h("div", { class: "muted ellipsis" }, a.subject) : null,
        ),
      ),
    );
  }
}

customElements.define("ul-member-card", UlMemberCard);
