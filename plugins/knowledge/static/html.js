// An article's text drawn from the tree the server makes of its sanitized HTML
// ({t: tag, a: attributes, c: children}): the console parses no HTML, and the tags, attributes
// and link addresses are checked once more here against an allow-list.

const TAGS = new Set(["p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td"]);
const ATTRIBUTES = { a: ["href", "title"], img: ["src", "alt", "title"], ol: ["start"] };
const SAFE_URL = /^(https?:|mailto:|tel:|\/(?!\/)|#)/i;
// The page's own heading is an h2: the article's headings sit below it.
const LEVEL = { h1: "h3", h2: "h3", h3: "h4", h4: "h5", h5: "h6", h6: "h6" };

function build(node, h) {
  if (typeof node === "string") return node;
  if (!node || typeof node !== "object") return null;
  const children = (node.c || []).map((child) => build(child, h));
  if (!TAGS.has(node.t)) return children;
  const props = {};
  for (const name of ATTRIBUTES[node.t] || []) {
    const value = node.a && node.a[name];
    if (value == null) continue;
    if ((name === "href" || name === "src") && !SAFE_URL.test(String(value).trim())) continue;
    props[name] = String(value);
  }
  if (node.t === "a") Object.assign(props, { rel: "noopener noreferrer", target: "_blank" });
  return h(LEVEL[node.t] || node.t, props, children);
}

/** The article's nodes built with the console's ``h``. */
export function articleNodes(tree, h) {
  return (tree || []).map((node) => build(node, h));
}
