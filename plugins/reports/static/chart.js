// A bar chart as SVG built node by node (no HTML strings, no library): two bars a day —
// received and resolved — with a title, an accessible name and a text per bar.

const NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value != null) el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child == null) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** points: [{label, a, b, title}]; names: [nameA, nameB]; caption: the chart's name. */
export function barChart(points, names, caption, format) {
  const width = Math.max(320, points.length * 18 + 48);
  const height = 180;
  const top = 12;
  const bottom = 24;
  const left = 36;
  const max = Math.max(1, ...points.map((p) => Math.max(p.a, p.b)));
  const scale = (v) => ((height - top - bottom) * v) / max;
  const step = (width - left - 8) / Math.max(1, points.length);
  const bar = Math.max(2, step / 2 - 2);
  const bars = points.map((p, i) => {
    const x = left + i * step;
    const ha = scale(p.a);
    const hb = scale(p.b);
    return svg(
      "g",
      { class: "rep-bar", "data-day": p.label },
      svg("title", {}, p.title),
      svg("rect", { x: x.toFixed(1), y: (height - bottom - ha).toFixed(1), width: bar.toFixed(1), height: ha.toFixed(1), class: "rep-a" }),
      svg("rect", { x: (x + bar + 1).toFixed(1), y: (height - bottom - hb).toFixed(1), width: bar.toFixed(1), height: hb.toFixed(1), class: "rep-b" }),
    );
  });
  const every = Math.ceil(points.length / 8);
  const ticks = points.map((p, i) =>
    i % every === 0 ? svg("text", { x: (left + i * step).toFixed(1), y: height - 8, class: "rep-tick" }, p.short) : null,
  );
  return svg(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": caption, class: "rep-chart", preserveAspectRatio: "none" },
    svg("title", {}, caption),
    svg("line", { x1: left, y1: height - bottom, x2: width - 4, y2: height - bottom, class: "rep-axis" }),
    svg("text", { x: 2, y: top + 8, class: "rep-tick" }, format(max)),
    svg("text", { x: 2, y: height - bottom, class: "rep-tick" }, "0"),
    bars,
    ticks,
    svg("g", { class: "rep-legend" },
      svg("rect", { x: left, y: 0, width: 10, height: 10, class: "rep-a" }),
      svg("text", { x: left + 14, y: 9, class: "rep-tick" }, names[0]),
      svg("rect", { x: left + 110, y: 0, width: 10, height: 10, class: "rep-b" }),
      svg("text", { x: left + 124, y: 9, class: "rep-tick" }, names[1])),
  );
}
