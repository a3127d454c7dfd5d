// Appeals offered to this operator by routing (queues with an offer timeout): accept or
// decline before the offer runs out. Offers arrive as routing.offered events and leave with
// routing.offer_closed; pending ones are loaded at start.

import { get } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { beep, desktop, toastError } from "../js/notify.js";
import { answerOffer, myOffers } from "../js/routing.js";
import { on, store, upsertAppeal } from "../js/store.js";

class UlOffers extends HTMLElement {
  connectedCallback() {
    this.offers = new Map(); // offer id -> {id, appeal_id, expires_at}
    this.offs = [on("event", (frame) => this.event(frame))];
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.tick = setInterval(() => this.render(), 1000);
    myOffers()
      .then((list) => list.filter((o) => o.state === "pending").forEach((o) => this.add(o, false)))
      .catch(() => {});
  }

  disconnectedCallback() {
    this.offs.forEach((off) => off());
    window.removeEventListener("ul-lang", this.onLang);
    clearInterval(this.tick);
  }

  event(frame) {
    const data = frame.data || {};
    if (!store.me || data.operator_id !== store.me.id) return;
    if (frame.event === "routing.offered") this.add({ id: data.offer_id, appeal_id: data.appeal_id, expires_at: data.expires_at }, !frame.replay);
    else if (frame.event === "routing.offer_closed") {
      this.offers.delete(data.offer_id);
      this.render();
    }
  }

  async add(offer, notify) {
    this.offers.set(offer.id, offer);
    if (!store.appeals.has(offer.appeal_id)) {
      await get(`/api/appeals/${offer.appeal_id}`).then(upsertAppeal).catch(() => {});
    }
    this.render();
    if (notify) {
      const title = t("offer.title", { number: this.number(offer) });
      beep();
      desktop(title, "", () => (location.hash = `#/-/${offer.appeal_id}`));
    }
  }

  number(offer) {
    const appeal = store.appeals.get(offer.appeal_id);
    return appeal ? appeal.number : "";
  }

  async answer(offer, accept) {
    this.offers.delete(offer.id);
    this.render();
    try {
      await answerOffer(offer.id, accept);
      if (accept) location.hash = `#/mine/${offer.appeal_id}`;
    } catch (error) {
      toastError(error);
    }
  }

  render() {
    const now = Date.now() / 1000;
    for (const [id, offer] of this.offers) if (offer.expires_at && offer.expires_at < now - 2) this.offers.delete(id);
    replace(
      this,
      [...this.offers.values()].map((offer) => {
        const appeal = store.appeals.get(offer.appeal_id);
        const left = offer.expires_at ? Math.max(0, Math.round(offer.expires_at - now)) : null;
        return h(
          "div",
          { class: "offer", role: "alert", dataset: { offer: offer.id } },
          h("strong", {}, t("offer.title", { number: this.number(offer) })),
          appeal && appeal.subject ? h("span", { class: "offer-subject" }, appeal.subject) : null,
          left != null ? h("span", { class: "muted" }, t("offer.left", { n: left })) : null,
          h("button", { type: "button", class: "primary accept", onclick: () => this.answer(offer, true) }, t("offer.accept")),
          h("button", { type: "button", class: "decline", onclick: () => this.answer(offer, false) }, t("offer.decline")),
        );
      }),
    );
  }
}

customElements.define("ul-offers", UlOffers);
