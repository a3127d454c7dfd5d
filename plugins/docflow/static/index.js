// The docflow plugin in the operator console, through the public extension points only
// (register_console_assets, setup(consoleApi); docs/console.md): its strings and styles, and
// beside an open appeal its documents and «Запустить процесс» (appeal.js). The
// «Документы» page is page.js, the admin page «Документооборот» setup.js.

import { use } from "./common.js";
import "./appeal.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.slot("appeal-side", { element: "ul-appeal-docflow", permission: "docflow.read" });
}
