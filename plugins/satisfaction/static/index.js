// The satisfaction plugin in the operator console, through the public extension points only
// (register_console_assets, setup(consoleApi); docs/console.md): its strings, the ratings of an
// appeal beside the member card and the per-operator report at the end of the supervisor view,
// both for holders of satisfaction.read.

import { use } from "./elements.js";
import { STRINGS } from "./strings.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
  consoleApi.slot("appeal-side", { element: "ul-appeal-rating", permission: "satisfaction.read" });
  consoleApi.slot("supervisor", { element: "ul-satisfaction-report", permission: "satisfaction.read" });
}
