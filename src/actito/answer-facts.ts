import type { ActitoAttribute } from "./types.ts";

/**
 * The later of `latest` and an answer's `Date` header, in ms: Actito's clock as its answers tell it,
 * whatever this machine's says (see ActitoCoreApi.actitoTime). A missing or unreadable header
 * changes nothing.
 */
export function laterDate(latest: number | null, header: string | string[] | undefined): number | null {
  const at = dateHeader(header);
  return at !== null && (latest === null || at > latest) ? at : latest;
}

/**
 * The larger of `offset` and what one answer proves of Actito's clock against this machine's: its
 * `Date` header (to the second, stamped before the answer left) less `receivedAt`, this machine's
 * time when it arrived. Actito's clock was at least the header's moment then, so this machine's
 * time plus the largest such offset is a moment Actito's clock has reached (see
 * ActitoCoreApi.actitoTimeNow). A missing or unreadable header changes nothing.
 */
export function largerOffset(
  offset: number | null,
  header: string | string[] | undefined,
  receivedAt: number,
): number | null {
  const at = dateHeader(header);
  if (at === null) return offset;
  const proven = at - receivedAt;
  return offset === null || proven > offset ? proven : offset;
}

/** A `Date` header's moment in ms, or null when it is missing, repeated or unreadable. */
function dateHeader(header: string | string[] | undefined): number | null {
  const at = typeof header === "string" ? Date.parse(header) : Number.NaN;
  return Number.isFinite(at) ? at : null;
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
