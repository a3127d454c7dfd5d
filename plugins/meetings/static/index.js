// The meetings plugin in the operator console, through the public extension points only
// (register_console_assets, setup(consoleApi); docs/console.md): its strings and, beside an
// open appeal, «Видеозвонок» with the appeal's meetings; on a task's page, a meeting about it.
// The «Календарь» page is page.js.

import { use } from "./common.js";
import { STRINGS } from "./strings.js";
import "./appeal.js";
import "./task.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
  consoleApi.slot("appeal-side", { element: "ul-appeal-meetings", permission: "meetings.read" });
  consoleApi.slot("tasks:task-side", { element: "ul-task-meeting", permission: "meetings.create" });
  consoleApi.slot("docflow:document-side", { element: "ul-task-meeting", permission: "meetings.create" });
  if (!document.querySelector("link[data-meetings-css]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./meetings.css", import.meta.url).href, dataset: { meetingsCss: "1" } }));
  }
}
