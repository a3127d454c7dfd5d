// Beside an open appeal (slot "appeal-side"): «Видеозвонок» starts a meeting now — the member
// gets their guest link on the appeal's channel, the operator their moderator link here —
// and the appeal's meetings with «Войти».

import { h, statusChip, t, ui, when } from "./common.js";

class AppealMeetings extends HTMLElement {
  connectedCallback() {
    this.appealId = this.getAttribute("appeal-id");
    this.offs = [ui.api.on("event", (frame) => {
      const type = frame.event || "";
      if (type.startsWith("meetings.") && (frame.data || {}).appeal_id === this.appealId) this.load();
    })];
    this.load();
  }

  disconnectedCallback() {
    (this.offs || []).forEach((off) => off());
  }

  async load() {
    try {
      this.meetings = await ui.api.api.get(`/api/meetings/?appeal_id=${encodeURIComponent(this.appealId)}`);
      this.error = null;
    } catch (error) {
      this.error = ui.api.errorText(error);
    }
    if (this.isConnected) this.render();
  }

  async call() {
    this.busy = true;
    this.render();
    try {
      const meeting = await ui.api.api.post("/api/meetings/instant", { appeal_id: this.appealId });
      ui.api.toast(t("meetings.call_started"));
      this.started = meeting;
      await this.load();
    } catch (error) {
      ui.api.toastError(error);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  item(meeting) {
    const open = meeting.join_url && (meeting.status === "started" || meeting.status === "scheduled");
    return h("li", { dataset: { meeting: meeting.id } },
      h("span", {}, meeting.title), " ", statusChip(meeting.status), " ",
      h("span", { class: "muted-text" }, when(meeting.starts_at)), " ",
      open ? h("a", { class: "meeting-join", href: meeting.join_url, target: "_blank", rel: "noopener" }, t("meetings.join")) : null);
  }

  render() {
    const list = (this.meetings || []).filter((m) => m.status !== "cancelled");
    const id = `meetings-${this.appealId}`;
    ui.api.replace(this,
      h("section", { class: "appeal-meetings", "aria-labelledby": id },
        h("h3", { id }, t("meetings.on_appeal")),
        this.error ? h("p", { class: "muted" }, this.error) : null,
        list.length ? h("ul", { class: "plain" }, list.map((m) => this.item(m))) : h("p", { class: "muted-text" }, t("meetings.none")),
        this.started && this.started.join_url ? h("p", { class: "meeting-mine" }, t("meetings.my_link"), ": ",
          h("a", { class: "meeting-my-link", href: this.started.join_url, target: "_blank", rel: "noopener" }, t("meetings.join"))) : null,
        ui.api.can("meetings.create") ? h("button", { type: "button", class: "video-call", disabled: this.busy ? true : null, onclick: () => this.call() }, t("meetings.call")) : null));
  }
}

customElements.define("ul-appeal-meetings", AppealMeetings);
