import { looksLikeSecret } from "../looks-like-secret.ts";
import { childPointer } from "../source-positions.ts";
import type { Rule } from "./rule.ts";

/** Every string in a plain value (and every key), with its JSON pointer and whether it is a key. */
function* strings(
  value: unknown,
  pointer = "",
): Generator<{ pointer: string; text: string; isKey: boolean }> {
  if (typeof value === "string") yield { pointer, text: value, isKey: false };
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* strings(item, childPointer(pointer, i));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const child = childPointer(pointer, key);
      yield { pointer: child, text: key, isKey: true };
      yield* strings(item, child);
    }
  }
}

/**
 * Rule 4: secrets are references. Fires when `apiKey` is a plain string, and when any key or string
 * value anywhere in the file has the shape of an API key or token. Messages never repeat the value.
 */
export const literalSecret: Rule = {
  code: "literal-secret",
  summary: "Secrets must be references (env:NAME or file:PATH), never written in the declaration.",
  check(ctx) {
    for (const source of ctx.documents) {
      const value = source.value;
      if (!value) continue;
      const account = typeof value.account === "number" ? value.account : "<account>";
      const reference = `{ secretRef: env:ACTITO_KEY_${account} }`;
      const actito = value.actito as Record<string, unknown> | undefined;
      const apiKeyIsLiteral = typeof actito?.apiKey === "string";
      if (apiKeyIsLiteral) {
        ctx.report(source, "/actito/apiKey", "value", {
          code: this.code,
          message: `apiKey must be a reference such as ${reference}; the value was not printed`,
        });
      }
      for (const found of strings(value)) {
        if (found.pointer === "/actito/apiKey" && apiKeyIsLiteral) continue;
        if (!looksLikeSecret(found.text)) continue;
        ctx.report(source, found.pointer, found.isKey ? "key" : "value", {
          code: this.code,
          message: `this ${found.isKey ? "key" : "value"} looks like an API key or token; keep secrets out of declarations: store it in an environment variable or file and write apiKey: ${reference}; the value was not printed`,
        });
      }
    }
  },
};
