// The timekeeping plugin in the operator console, through the public extension points only
// (register_console_assets, setup(consoleApi); docs/console.md): its strings, the workday
// buttons in the top bar and the team's work time at the end of the supervisor view. The
// «Рабочее время» page is page.js.

import { use } from "./elements.js";
import { STRINGS } from "./strings.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
  consoleApi.slot("header", { element: "ul-workday", permission: "timekeeping.use" });
  consoleApi.slot("supervisor", { element: "ul-timekeeping-team", permission: "timekeeping.read" });
  if (!document.querySelector("link[data-timekeeping-css]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./timekeeping.css", import.meta.url).href, dataset: { timekeepingCss: "1" } }));
  }
}
