import type { LinkProblem, LinkRule } from "./link-check-types.ts";

/** What the check makes of one href: not a link to the customer's site, or checked (with a problem or not). */
export type HrefVerdict =
  | { checked: false }
  | { checked: true; problem?: Omit<LinkProblem, "line" | "href"> };

const NOT_CHECKED: HrefVerdict = { checked: false };

/** `${name}`: an Actito personalisation. */
const PERSONALISATION = /^\$\{[^}]*\}$/;

/**
 * The host of an absolute http(s) link, lower case and without a trailing dot; undefined for
 * anything else (mailto:, tel:, anchors, relative links, hrefs that are personalisations).
 */
export function linkHost(href: string): string | undefined {
  const text = href.trim();
  if (text.startsWith("${")) return undefined;
  let url: URL;
  try {
    url = new URL(text.startsWith("//") ? `https:${text}` : text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return url.hostname.toLowerCase().replace(/\.$/, "");
}

/** The raw `name=value` pairs of an href's query (before `#`), values as written. */
function queryPairs(href: string): { name: string; value: string | undefined }[] {
  const start = href.indexOf("?");
  if (start === -1) return [];
  const hash = href.indexOf("#", start);
  const query = href.slice(start + 1, hash === -1 ? undefined : hash);
  return query
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const equals = pair.indexOf("=");
      return equals === -1
        ? { name: pair, value: undefined }
        : { name: pair.slice(0, equals), value: pair.slice(equals + 1) };
    });
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** A name folded for "the same name in another form": case, separators and percent-encoding ignored. */
function folded(name: string): string {
  return decoded(name)
    .toLowerCase()
    .replace(/[-_.\s]/g, "");
}

/** True when two names differ by at most one edit (an insertion, deletion, substitution or swap). */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const restA = a.slice(i);
  const restB = b.slice(i);
  return (
    restA.slice(1) === restB.slice(1) ||
    restA.slice(1) === restB ||
    restA === restB.slice(1) ||
    (restA.length >= 2 && restA[0] === restB[1] && restA[1] === restB[0] && restA.slice(2) === restB.slice(2))
  );
}

/** A parameter name that is meant to be `parameter` but is not spelled exactly so. */
function misspells(name: string, parameter: string): boolean {
  if (name === parameter) return false;
  const a = folded(name);
  const b = folded(parameter);
  return a === b || (b.length >= 4 && oneEditApart(a, b));
}

/**
 * Checks one href against the rule: links to one of the customer's hosts must carry
 * `<parameter>=${<reaidAttribute>}` in their query, spelled exactly. Every other href is left alone.
 */
export function checkHref(href: string, rule: LinkRule): HrefVerdict {
  const host = linkHost(href);
  if (host === undefined || !rule.domains.includes(host)) return NOT_CHECKED;
  const expected = `\${${rule.reaidAttribute}}`;
  const pairs = queryPairs(href.trim());
  const exact = pairs.filter((pair) => pair.name === rule.parameter);
  if (exact.length === 0) {
    const near = pairs.find((pair) => misspells(pair.name, rule.parameter));
    return { checked: true, problem: { problem: near === undefined ? "missing" : "misspelled" } };
  }
  const wrong = exact.find((pair) => pair.value !== expected);
  if (wrong === undefined) return { checked: true };
  const value = wrong.value ?? "";
  return value !== decoded(value) && decoded(value) === expected
    ? {
        checked: true,
        problem: {
          problem: "wrong-value",
          hint: `the personalisation is percent-encoded: Actito would not replace it; write ${expected}`,
        },
      }
    : { checked: true, problem: { problem: "wrong-value" } };
}

/** Words for a problem, for people: what is wrong with the link and what to write. */
export function explainProblem(problem: LinkProblem, rule: LinkRule): string {
  const expected = `${rule.parameter}=\${${rule.reaidAttribute}}`;
  if (problem.hint !== undefined) return problem.hint;
  if (problem.problem === "missing") return `no ${rule.parameter} parameter: add ${expected}`;
  if (problem.problem === "misspelled") {
    const near = queryPairs(problem.href.trim()).find((pair) => misspells(pair.name, rule.parameter));
    return `the parameter is spelled ${near?.name ?? "differently"}: write ${expected}`;
  }
  const value = queryPairs(problem.href.trim()).find((pair) => pair.name === rule.parameter)?.value ?? "";
  if (value === "") return `the parameter has no value: write ${expected}`;
  if (PERSONALISATION.test(value)) return `it carries ${value}: write ${expected}`;
  return `it carries a fixed value: write ${expected}`;
}
