// The knowledge base in the operator console, through the public extension points only
// (register_console_assets, setup(consoleApi); docs/console.md): its strings and styles, the
// suggestions beside an open appeal (slot "appeal-side"), articles in the reply box's "/" list
// (consoleApi.composer), and the offer of an onboarding course at sign-in. The page «База
// знаний» is page.js, imported when first opened.

import { use } from "./ui.js";
import { STRINGS } from "./strings.js";
import { slashSource } from "./slash.js";
import "./suggestions.js";
import { offerCourse } from "./offer.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
  if (!document.querySelector("link[data-kb-styles]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./knowledge.css", import.meta.url).pathname, dataset: { kbStyles: "1" } }));
  }
  consoleApi.slot("appeal-side", { element: "ul-kb-suggestions", permission: "knowledge.read" });
  if (consoleApi.can("knowledge.read")) consoleApi.composer.addSource(slashSource);
  offerCourse();
}
