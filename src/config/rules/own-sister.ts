import type { Rule } from "./rule.ts";
import { sisterPointer } from "./rule.ts";

/** Rule 2: an account cannot be its own sister. */
export const ownSister: Rule = {
  code: "own-sister",
  summary: "An account cannot be listed as its own sister account.",
  check(ctx) {
    for (const { source, integration } of ctx.declarations) {
      if (!integration.sisterAccounts.includes(integration.account)) continue;
      ctx.report(source, sisterPointer(source, integration.account), "value", {
        code: this.code,
        message: `account ${integration.account} is listed as its own sister; remove it from sisterAccounts`,
      });
    }
  },
};
