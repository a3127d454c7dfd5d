// Places in the console's views where plugins' elements appear: "appeal-side" (beside the member
// card of the open appeal; the element gets appeal-id), "supervisor" (the end of the
// supervisor view) and "header" (the top bar, before the presence switch). A plugin's setup(consoleApi) calls consoleApi.slot(name, {element,
// permission}) after defining its custom element; every <ul-slot name="…"> shows the elements of
// its name the operator holds the permission of, each given the slot's other attributes. A slot
// filled after a view was drawn (plugins load after sign-in) redraws itself.

import { h, replace } from "../js/dom.js";
import { can } from "../js/store.js";

export const SLOTS = ["appeal-side", "supervisor", "header"];
// A plugin's own page may offer slots too, named "<plugin>:<place>" ("tasks:task-side").
const PLUGIN_SLOT = /^[a-z][a-z0-9_]*:[a-z][a-z0-9-]*$/;
const ELEMENT = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;
const filled = new Map(); // slot name -> [{element, permission}], in the order plugins added them
const shown = new Set(); // <ul-slot> elements on the page

/** Put the custom element ``element`` into slot ``name`` (again for the same element: once). */
export function addToSlot(name, { element, permission = null } = {}) {
  if (!SLOTS.includes(name) && !PLUGIN_SLOT.test(name || "")) throw new Error(`no console slot "${name}" (slots: ${SLOTS.join(", ")}, or a plugin's "<plugin>:<place>")`);
  if (!ELEMENT.test(element || "")) throw new Error(`"${element}" is not a custom element name`);
  const items = (filled.get(name) || []).filter((item) => item.element !== element);
  filled.set(name, [...items, { element, permission }]);
  for (const host of shown) if (host.getAttribute("name") === name) host.render();
}

class UlSlot extends HTMLElement {
  connectedCallback() {
    shown.add(this);
    this.render();
  }

  disconnectedCallback() {
    shown.delete(this);
  }

  render() {
    const passed = {};
    for (const attribute of this.attributes) if (attribute.name !== "name") passed[attribute.name] = attribute.value;
    const items = (filled.get(this.getAttribute("name")) || []).filter((item) => !item.permission || can(item.permission));
    replace(this, ...items.map((item) => h(item.element, passed)));
  }
}

customElements.define("ul-slot", UlSlot);
