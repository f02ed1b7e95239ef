import { basename, extname } from "node:path";
import type { Rule } from "./rule.ts";

/** Rule 1: `account` equals the file name, so the file for an account is always found by its name. */
export const accountMismatchFilename: Rule = {
  code: "account-mismatch-filename",
  summary: "The account must equal the file name (integrations/<account>.yaml).",
  check(ctx) {
    for (const { source, integration } of ctx.declarations) {
      const name = basename(source.file, extname(source.file));
      if (name === String(integration.account)) continue;
      ctx.report(source, "/account", "value", {
        code: this.code,
        message: `account is ${integration.account} but the file is named ${basename(source.file)}; rename the file to ${integration.account}${extname(source.file)} or correct the account`,
      });
    }
  },
};
