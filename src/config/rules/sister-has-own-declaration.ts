import type { CheckedDeclaration, Rule } from "./rule.ts";
import { placeOf, sisterPointer } from "./rule.ts";

/** Rule 2: an account with its own integration cannot also share another's as a sister. */
export const sisterHasOwnDeclaration: Rule = {
  code: "sister-has-own-declaration",
  summary: "An account declared in its own file cannot also be another account's sister.",
  check(ctx) {
    const owners = new Map<number, CheckedDeclaration>();
    for (const declaration of ctx.declarations) owners.set(declaration.integration.account, declaration);
    for (const { source, integration } of ctx.declarations) {
      for (const sister of new Set(integration.sisterAccounts)) {
        const own = owners.get(sister);
        if (!own || sister === integration.account) continue;
        ctx.report(source, sisterPointer(source, sister), "value", {
          code: this.code,
          message: `account ${sister} has its own integration (${placeOf(own.source, "/account")}) and cannot also be a sister of ${integration.account}; remove one of the two`,
        });
      }
    }
  },
};
