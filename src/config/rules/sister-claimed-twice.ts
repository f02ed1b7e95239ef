import type { ParsedDeclaration } from "../parse-declaration.ts";
import type { Rule } from "./rule.ts";
import { placeOf, sisterPointer } from "./rule.ts";

/** Rule 2: an account is a sister of at most one integration (its REAIDs live in one namespace). */
export const sisterClaimedTwice: Rule = {
  code: "sister-claimed-twice",
  summary: "An account may be a sister of one integration only.",
  check(ctx) {
    const owners = new Map<number, { account: number; source: ParsedDeclaration }>();
    for (const { source, integration } of ctx.declarations) {
      for (const sister of new Set(integration.sisterAccounts)) {
        if (sister === integration.account) continue; // own-sister says it better
        const earlier = owners.get(sister);
        if (!earlier) {
          owners.set(sister, { account: integration.account, source });
          continue;
        }
        const place = placeOf(earlier.source, sisterPointer(earlier.source, sister));
        ctx.report(source, sisterPointer(source, sister), "value", {
          code: this.code,
          message: `account ${sister} is a sister of ${earlier.account} (${place}) and of ${integration.account}; an account may share one integration only`,
        });
      }
    }
  },
};
