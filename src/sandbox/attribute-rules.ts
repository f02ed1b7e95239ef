import type { AttributeValue, SeedAttribute } from "./sandbox-seed.ts";

/** Actito's limit on string values. */
export const maxStringLength = 255;

/** Attributes Actito manages itself: readable, never writable. */
export const technicalAttributes: ReadonlySet<string> = new Set([
  "profileId",
  "creationMoment",
  "updateMoment",
]);

const emailPattern = /^[^@\s]+@[^@\s]+$/;

/**
 * True when `text` has more than `max` characters. Characters are code points, not UTF-16 units,
 * so a value of 200 emoji (400 units) is 200 characters; the unit count is checked first because
 * it is free and never smaller than the code point count.
 */
export function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

/** Why `value` cannot be stored in `attribute`, or undefined when it can. */
export function checkAttributeValue(attribute: SeedAttribute, value: AttributeValue): string | undefined {
  if (value === null) {
    return attribute.mandatory ? `attribute ${attribute.name} is mandatory` : undefined;
  }
  switch (attribute.valueType) {
    case "INTEGER":
      return Number.isSafeInteger(value) ? undefined : `attribute ${attribute.name} expects an integer`;
    case "DECIMAL":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : `attribute ${attribute.name} expects a number`;
    case "BOOLEAN":
      return typeof value === "boolean" ? undefined : `attribute ${attribute.name} expects a boolean`;
    default: {
      if (typeof value !== "string") return `attribute ${attribute.name} expects a string`;
      const max = Math.min(attribute.valueRestriction?.maxLength ?? maxStringLength, maxStringLength);
      if (longerThan(value, max)) return `attribute ${attribute.name} is longer than ${max} characters`;
      if (attribute.type === "EMAIL_ADDRESS" && !emailPattern.test(value)) {
        return `attribute ${attribute.name} is not an e-mail address`;
      }
      return undefined;
    }
  }
}

/**
 * Turns a CSV cell into a typed value: an empty cell clears the attribute; numbers and booleans
 * are parsed for their value types. Returns an error message when the text does not parse.
 */
export function parseCsvCell(attribute: SeedAttribute, text: string): AttributeValue | { error: string } {
  if (text === "") return null;
  switch (attribute.valueType) {
    case "INTEGER":
      return /^-?\d+$/.test(text)
        ? Number(text)
        : { error: `attribute ${attribute.name} expects an integer` };
    case "DECIMAL":
      return /^-?\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : { error: `attribute ${attribute.name} expects a number` };
    case "BOOLEAN":
      if (text === "true") return true;
      if (text === "false") return false;
      return { error: `attribute ${attribute.name} expects true or false` };
    default:
      return text;
  }
}
