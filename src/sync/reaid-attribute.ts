import type { ActitoAttribute } from "../actito/types.ts";
import { REAID_BYTES } from "../store/new-reaids.ts";

/** Characters in one REAID (base64url of REAID_BYTES, no padding). */
const REAID_LENGTH = Math.ceil((REAID_BYTES * 8) / 6);

/** The definition emi adds when the REAID attribute is missing. Room to spare for a longer REAID format. */
export function reaidAttributeDefinition(name: string): ActitoAttribute {
  return { name, type: "CUSTOM", valueType: "STRING", unique: true, valueRestriction: { maxLength: 64 } };
}

/**
 * Whether an existing attribute can hold REAIDs: a unique custom string long enough. Anything else is
 * a conflict that needs a person, because Actito never lets a type or name change.
 */
export function isCompatibleReaidAttribute(attribute: ActitoAttribute): boolean {
  const maxLength = attribute.valueRestriction?.maxLength;
  return (
    attribute.type === "CUSTOM" &&
    attribute.valueType === "STRING" &&
    attribute.unique === true &&
    (maxLength === undefined || maxLength >= REAID_LENGTH)
  );
}

/** One line describing an attribute definition, for conflict messages. */
export function describeAttribute(attribute: ActitoAttribute): string {
  const maxLength = attribute.valueRestriction?.maxLength;
  return `${attribute.type} ${attribute.valueType}${attribute.unique ? " unique" : " not unique"}${
    maxLength === undefined ? "" : ` maxLength ${maxLength}`
  }`;
}
