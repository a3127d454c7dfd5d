// The tasks plugin in the operator console, through the public extension points only
// (register_console_assets, setup(consoleApi); docs/console.md): its strings and, beside an
// open appeal, the appeal's tasks with «Создать задачу»; in the top bar, my tasks' counters. The «Задачи» page is page.js.

import { use } from "./common.js";
import { STRINGS } from "./strings.js";
import "./appeal.js";
import "./header.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
  consoleApi.slot("appeal-side", { element: "ul-appeal-tasks", permission: "tasks.read" });
  consoleApi.slot("header", { element: "ul-task-counters", permission: "tasks.read" });
  if (!document.querySelector("link[data-tasks-css]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./tasks.css", import.meta.url).href, dataset: { tasksCss: "1" } }));
  }
}
