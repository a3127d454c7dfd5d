// Building DOM without HTML strings: every string becomes a text node or an attribute value,
// so member text can never turn into markup. innerHTML is refused outright.

const PROPERTIES = new Set(["value", "checked", "disabled", "hidden", "selected", "open", "indeterminate"]);
const FORBIDDEN = new Set(["innerHTML", "outerHTML", "srcdoc", "insertAdjacentHTML"]);

/** h("div", {class: "x", onclick: fn}, "text", child, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (FORBIDDEN.has(key)) throw new Error(`dom.h: ${key} is not allowed`);
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace all children of ``el``. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** An SVG-free icon: a short label in a coloured badge (works with any font). */
export function badge(text, cls, title) {
  return h("span", { class: `badge ${cls || ""}`, title: title || null, "aria-label": title || null }, text);
}

/** Run ``fn`` at most once per animation frame (coalesces bursts of events). */
export function coalesce(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

/** E-mail HTML (already sanitized by the server) in an iframe that runs nothing. */
export function sandboxedHtml(html, title) {
  const frame = document.createElement("iframe");
  // An empty sandbox: no scripts, no forms, no same-origin access, no top navigation.
  frame.setAttribute("sandbox", "");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.setAttribute("loading", "lazy");
  frame.className = "mail-html";
  frame.title = title;
  frame.srcdoc = String(html);
  return frame;
}
