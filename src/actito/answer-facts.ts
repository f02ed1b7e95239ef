import type { ActitoAttribute } from "./types.ts";

/**
 * The later of `latest` and an answer's `Date` header, in ms: Actito's clock as its answers tell it,
 * whatever this machine's says (see ActitoCoreApi.actitoTime). A missing or unreadable header
 * changes nothing.
 */
export function laterDate(latest: number | null, header: string | string[] | undefined): number | null {
  const at = typeof header === "string" ? Date.parse(header) : Number.NaN;
  return Number.isFinite(at) && (latest === null || at > latest) ? at : latest;
}

/** Whether an existing attribute has the definition emi would add (its length only when asked). */
export function sameAttribute(a: ActitoAttribute, b: ActitoAttribute): boolean {
  return (
    a.type === b.type &&
    a.valueType === b.valueType &&
    a.unique === b.unique &&
    (b.valueRestriction?.maxLength === undefined ||
      a.valueRestriction?.maxLength === b.valueRestriction.maxLength)
  );
}
