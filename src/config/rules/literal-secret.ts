import { looksLikeSecret, refLooksLikeSecret } from "../looks-like-secret.ts";
import { childPointer } from "../source-positions.ts";
import type { Rule } from "./rule.ts";

/** True when any key or string value in a plain value looks like a secret; allocates nothing. */
function holdsSecret(value: unknown): boolean {
  if (typeof value === "string") return looksLikeSecret(value);
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value === null || typeof value !== "object") return false;
  for (const key in value) {
    if (looksLikeSecret(key) || holdsSecret((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** Every key and string value that looks like a secret, with its JSON pointer. */
function secretsIn(value: unknown, pointer = "", found: { pointer: string; isKey: boolean }[] = []) {
  if (typeof value === "string") {
    if (looksLikeSecret(value)) found.push({ pointer, isKey: false });
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) secretsIn(item, childPointer(pointer, i), found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (looksLikeSecret(key)) found.push({ pointer: childPointer(pointer, key), isKey: true });
      secretsIn(item, childPointer(pointer, key), found);
    }
  }
  return found;
}

/**
 * Rule 4: secrets are references. Fires when `apiKey` is a plain string, and when any key or string
 * value anywhere in the file has the shape of an API key or token. Messages never repeat the value.
 */
export const literalSecret: Rule = {
  code: "literal-secret",
  summary:
    "Secrets must be references (env:NAME, file:PATH or age:PATH), never written in the declaration, not even inside a reference.",
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
      const ref = (actito?.apiKey as Record<string, unknown> | undefined)?.secretRef;
      const refPointer = "/actito/apiKey/secretRef";
      const refIsToken = typeof ref === "string" && !looksLikeSecret(ref) && refLooksLikeSecret(ref);
      if (refIsToken) {
        ctx.report(source, refPointer, "value", {
          code: this.code,
          message: `this secret reference holds what looks like a token instead of naming where the key is: write apiKey: ${reference}; the value was not printed`,
        });
      }
      // The quick check first: this rule reads every string of every file.
      if (!holdsSecret(value)) continue;
      for (const found of secretsIn(value)) {
        if (found.pointer === "/actito/apiKey" && apiKeyIsLiteral) continue;
        if (found.pointer === refPointer && refIsToken) continue;
        ctx.report(source, found.pointer, found.isKey ? "key" : "value", {
          code: this.code,
          message: `this ${found.isKey ? "key" : "value"} looks like an API key or token; keep secrets out of declarations: store it in an environment variable or file and write apiKey: ${reference}; the value was not printed`,
        });
      }
    }
  },
};
