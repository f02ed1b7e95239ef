import { type DefaultTreeAdapterMap, parse } from "parse5";

type Node = DefaultTreeAdapterMap["node"];

/** A link of a campaign's HTML: its `href` (entities decoded) and the line it is on. */
export interface FoundLink {
  href: string;
  line: number;
}

const LINK_ELEMENTS = new Set(["a", "area"]);

/**
 * Every `<a href>` and `<area href>` of an HTML document, in document order, read by a real HTML
 * parser: `&amp;` and other entities are decoded, attribute names match in any case, and markup
 * inside comments, scripts or attribute values is not mistaken for a link.
 */
export function findLinks(html: string): FoundLink[] {
  const links: FoundLink[] = [];
  const walk = (node: Node): void => {
    if ("tagName" in node && LINK_ELEMENTS.has(node.tagName)) {
      const href = node.attrs.find((attribute) => attribute.name === "href");
      if (href !== undefined) {
        links.push({ href: href.value, line: node.sourceCodeLocation?.attrs?.href?.startLine ?? 1 });
      }
    }
    if ("childNodes" in node) for (const child of node.childNodes) walk(child);
    if ("content" in node) walk(node.content);
  };
  walk(parse(html, { sourceCodeLocationInfo: true }));
  return links;
}
