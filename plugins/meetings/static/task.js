// On a task's page (slot "tasks:task-side", which the tasks plugin offers) and a document's card
// ("docflow:document-side"): «Созвать встречу по задаче» / «…по документу» opens the new-meeting
// form filled with it — its people are invited (the server asks the plugin that keeps it
// through the public subject sources), the meeting is linked to it.

import { h, t, ui } from "./common.js";

class TaskMeeting extends HTMLElement {
  connectedCallback() {
    this.host = h("div", { class: "task-meeting-form" });
    this.documentId = this.getAttribute("document-id");
    const label = this.documentId ? "meetings.about_this_document" : "meetings.about_this_task";
    const open = h("button", { type: "button", class: "task-meeting" }, t(label));
    open.addEventListener("click", () => this.open());
    ui.api.replace(this, open, this.host);
  }

  async open() {
    const { meetingForm } = await import("./page.js");
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    ui.api.replace(this.host, meetingForm({
      day: today,
      taskId: this.getAttribute("task-id"),
      documentId: this.documentId,
      title: this.getAttribute("task-title") || this.getAttribute("document-title") || "",
      organizationId: this.getAttribute("organization-id") || "",
      onDone: () => ui.api.replace(this.host),
    }));
    this.host.scrollIntoView({ block: "nearest" });
  }
}

if (!customElements.get("ul-task-meeting")) customElements.define("ul-task-meeting", TaskMeeting);
