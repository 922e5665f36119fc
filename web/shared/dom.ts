/** Small DOM helpers shared by the pages: building elements without innerHTML (no injection). */

type Child = Node | string | number | null | undefined | false;

/**
 * An element with attributes (event handlers: onclick, ...; style: an object of CSS properties;
 * dataset: data-* values) and children; text is always text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, unknown> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value as EventListener);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    // Through the CSSOM: the pages' Content-Security-Policy refuses style attributes.
    else if (name === 'style') Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** "1.23 ms" / "456 µs" */
export function formatNs(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(0)} µs`;
}

/** Shows an error on the page's status line (and keeps the page usable). */
export function showError(status: HTMLElement, error: unknown): void {
  status.textContent = error instanceof Error ? error.message : String(error);
  status.classList.add('error');
}
