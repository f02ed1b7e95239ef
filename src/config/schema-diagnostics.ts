import type { Diagnostic } from "../types/diagnostic.ts";
import type { ValidationCode } from "../types/diagnostic-code.ts";
import { closestMatch } from "./closest-match.ts";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { integrationValidator, type SchemaError } from "./integration-schema.ts";
import { diagnosticAt, type LocatableSource } from "./locate-diagnostic.ts";
import { looksLikeSecret } from "./looks-like-secret.ts";
import { childPointer } from "./source-positions.ts";

interface PropertySchema {
  description?: string;
  properties?: Record<string, PropertySchema>;
}

const patternHints: Record<string, string> = {
  secretRef:
    "must be env:NAME (an environment variable), file:PATH (a file) or age:PATH (an age-encrypted file), e.g. age:secrets/1042.age",
  reaidAttribute: "must start with a letter and hold only letters, digits and underscores",
  entity:
    "may hold only letters, digits, '_', '-' and '.', starting with a letter or digit (Actito's entity names)",
  profileTable:
    "may hold only letters, digits, '_', '-' and '.', starting with a letter or digit (Actito's table names)",
};

const typeNames: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "a map of fields",
  array: "a list",
  null: "empty",
};

function tokens(pointer: string): string[] {
  return pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** How a person would name the field at `pointer`: `endpoint`, `sisterAccounts item 2`, `the declaration`. */
function fieldName(pointer: string): string {
  const parts = tokens(pointer);
  const last = parts.at(-1);
  if (last === undefined) return "the declaration";
  if (/^\d+$/.test(last) && parts.length > 1) return `${parts.at(-2)} item ${Number(last) + 1}`;
  return last;
}

/** A value may be quoted back to the user only when it cannot be a secret. */
function shown(value: unknown, pointer: string): string {
  // A declaration's apiKey, and a sandbox seed's apiKeys, are keys whatever they look like.
  if (pointer.startsWith("/actito/apiKey") || /\/apiKeys(\/|$)/.test(pointer)) return "not a valid value";
  if (typeof value === "string") {
    return value.length <= 40 && !looksLikeSecret(value) ? JSON.stringify(value) : "not a valid value";
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "a list" : "a map";
}

function firstSentence(description: string | undefined): string {
  return description ? ` (${description.split(/[.:]\s/)[0]!.replace(/\.$/, "")})` : "";
}

function describe(error: SchemaError): { pointer: string; target: "key" | "value"; message: string } {
  const pointer = error.instancePath;
  const field = fieldName(pointer);
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as PropertySchema | undefined;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const suggestion = closestMatch(key, known);
      const where = pointer === "" ? "a declaration" : field;
      const name = looksLikeSecret(key) ? "a key that looks like a secret" : `"${key}"`;
      return {
        pointer: childPointer(pointer, key),
        target: "key",
        message: suggestion
          ? `${name} is not a field of ${where}; did you mean "${suggestion}"?`
          : `${name} is not a field of ${where}; the fields are ${known.join(", ")}`,
      };
    }
    case "required": {
      const missing = String(params.missingProperty);
      const description = parent?.properties?.[missing]?.description;
      return {
        pointer: childPointer(pointer, missing),
        target: "key",
        message: `${field} is missing the required field "${missing}"${firstSentence(description)}`,
      };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === "string" ? closestMatch(error.data, allowed) : undefined;
      return {
        pointer,
        target: "value",
        message:
          `${field} is ${shown(error.data, pointer)}; use one of: ${allowed.join(", ")}` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : ""),
      };
    }
    case "const":
      return {
        pointer,
        target: "value",
        message: `${field} must be ${JSON.stringify(params.allowedValue)}${firstSentence((parent as PropertySchema)?.description)}`,
      };
    case "type": {
      const expected = String(params.type)
        .split(",")
        .map((t) => typeNames[t] ?? t)
        .join(" or ");
      return {
        pointer,
        target: "value",
        message: `${field} must be ${expected}, not ${shown(error.data, pointer)}`,
      };
    }
    case "minimum":
      return {
        pointer,
        target: "value",
        message:
          params.limit === 1
            ? `${field} must be a positive account number, not ${shown(error.data, pointer)}`
            : `${field} must be at least ${String(params.limit)}`,
      };
    case "maximum":
      return {
        pointer,
        target: "value",
        message: `${field} is larger than ${String(params.limit)}, the largest account number emi can hold exactly`,
      };
    case "maxItems":
      return {
        pointer,
        target: "value",
        message: `${field} lists ${String((error.data as unknown[]).length)} accounts; at most ${String(params.limit)} are allowed`,
      };
    case "minLength":
      return {
        pointer,
        target: "value",
        message:
          params.limit === 1
            ? `${field} must not be empty`
            : `${field} needs at least ${String(params.limit)} characters`,
      };
    case "maxLength":
      return {
        pointer,
        target: "value",
        message: `${field} has ${String((error.data as string).length)} characters; at most ${String(params.limit)} are allowed`,
      };
    case "pattern":
      return {
        pointer,
        target: "value",
        message: `${field} ${patternHints[field] ?? `does not have the expected form ${String(params.pattern)}`}`,
      };
    case "format":
      return {
        pointer,
        target: "value",
        message: `${field} must be an e-mail address such as crm-team@example.com, not ${shown(error.data, pointer)}`,
      };
    case "uniqueItems": {
      const duplicate = Math.max(Number(params.i), Number(params.j));
      const item = (error.data as unknown[])[duplicate];
      return {
        pointer: childPointer(pointer, duplicate),
        target: "value",
        message: `${field} lists ${shown(item, pointer)} more than once; list each account once`,
      };
    }
    default:
      return { pointer, target: "value", message: `${field} ${error.message ?? "is not valid"}` };
  }
}

/**
 * Checks a parsed declaration against the JSON Schema and turns each failure into one diagnostic at
 * the offending key or value, worded for people. Values that might be secrets are never quoted.
 * `validate` is another schema's validator (compiled with ajv's `verbose`) for other YAML files
 * emi reads, such as the sandbox seed.
 */
export function schemaDiagnostics(
  source: LocatableSource,
  value: unknown,
  validate: ValidateFunction = integrationValidator(),
): Diagnostic[] {
  if (validate(value)) return [];
  const described = (validate.errors ?? []).map((error) => ({ ...describe(error), keyword: error.keyword }));
  // A misspelt key also makes the real one "missing": the did-you-mean says both, so keep only it.
  const suggested = new Set(
    described.flatMap(({ pointer, message }) => {
      const match = /did you mean "([^"]+)"\?$/.exec(message);
      return match ? [`${pointer.slice(0, pointer.lastIndexOf("/"))}/${match[1]}`] : [];
    }),
  );
  return described
    .filter(({ keyword, pointer }) => !(keyword === "required" && suggested.has(pointer)))
    .map(({ pointer, target, message, keyword }) =>
      diagnosticAt(source, pointer, target, { code: schemaCode(keyword), message }),
    );
}

const codes: Record<string, ValidationCode> = {
  additionalProperties: "unknown-key",
  required: "missing-field",
  enum: "invalid-value",
  const: "invalid-value",
  type: "wrong-type",
  uniqueItems: "duplicate-item",
};

function schemaCode(keyword: string): ValidationCode {
  return codes[keyword] ?? "invalid-value";
}
