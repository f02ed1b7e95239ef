import type { CheckedDeclaration, Rule } from "./rule.ts";
import { placeOf } from "./rule.ts";

/** Rule 1: no account is declared by two files (e.g. in two folders; 1042.yaml beside 1042.yml is `duplicate-declaration-file`). */
export const accountDeclaredTwice: Rule = {
  code: "account-declared-twice",
  summary: "An account may be declared by one file only.",
  check(ctx) {
    const first = new Map<number, CheckedDeclaration>();
    for (const declaration of ctx.declarations) {
      const { account } = declaration.integration;
      const earlier = first.get(account);
      if (!earlier) {
        first.set(account, declaration);
        continue;
      }
      ctx.report(declaration.source, "/account", "value", {
        code: this.code,
        message: `account ${account} is already declared in ${placeOf(earlier.source, "/account")}; keep one file per account`,
      });
    }
  },
};
