// SPDX-License-Identifier: MIT
// Building the page's nodes: text goes in as text, never parsed as HTML.

export const $ = (selector) => document.querySelector(selector);

// Create an element with attributes and children (strings become text: nothing is parsed).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A node holding trusted SVG markup from symbols.js (never data from the API).
export function svg(markup, className = "swatch") {
  const span = el("span", { class: className, "aria-hidden": "true" });
  span.innerHTML = markup;
  return span;
}

// Leaflet writes attributions as HTML: only strings from the dictionary go in, escaped.
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
