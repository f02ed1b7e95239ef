import { checkHref } from "./check-href.ts";
import { findLinks } from "./find-links.ts";
import type { LinkProblem, LinkRule } from "./link-check-types.ts";

/** Checks every link of one campaign's HTML: how many went to the customer's site, and which fail. */
export function checkCampaignHtml(
  html: string,
  rule: LinkRule,
): { linksChecked: number; problems: LinkProblem[] } {
  let linksChecked = 0;
  const problems: LinkProblem[] = [];
  for (const link of findLinks(html)) {
    const verdict = checkHref(link.href, rule);
    if (!verdict.checked) continue;
    linksChecked++;
    if (verdict.problem !== undefined) {
      problems.push({ href: link.href, line: link.line, ...verdict.problem });
    }
  }
  return { linksChecked, problems };
}
