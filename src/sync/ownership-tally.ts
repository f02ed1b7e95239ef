import type { LeftReason, ValueVerdict } from "./classify-existing-values.ts";

/** What the ownership check found in the REAID attribute during one run (part of the run state). */
export interface OwnershipTally {
  /** Values emi did not write (not adopting): the run writes nothing more once one is seen. */
  foreign: number;
  foreignExamples: number[];
  adopted: number;
  /** Values left for a person (adopting), by reason. */
  left: Partial<Record<LeftReason, number>>;
  leftExamples: number[];
  /** Profiles carrying emi's REAID of another e-mail (e.g. after two profiles swapped e-mails). */
  mismatched: number;
  mismatchedExamples: number[];
}

const EXAMPLES = 3;

export function emptyOwnership(): OwnershipTally {
  return {
    foreign: 0,
    foreignExamples: [],
    adopted: 0,
    left: {},
    leftExamples: [],
    mismatched: 0,
    mismatchedExamples: [],
  };
}

/** A deep copy, for the run's committed tallies. */
export function copyOwnership(t: OwnershipTally | undefined): OwnershipTally {
  const from = t ?? emptyOwnership();
  return {
    ...from,
    foreignExamples: [...from.foreignExamples],
    left: { ...from.left },
    leftExamples: [...from.leftExamples],
    mismatchedExamples: [...from.mismatchedExamples],
  };
}

/** Counts one profile's verdict into the tally (adoptions are counted when the store confirms them). */
export function countVerdict(t: OwnershipTally, profileId: number, verdict: ValueVerdict): void {
  if (verdict.kind === "foreign") {
    t.foreign += 1;
    if (t.foreignExamples.length < EXAMPLES) t.foreignExamples.push(profileId);
  } else if (verdict.kind === "left") {
    t.left[verdict.reason] = (t.left[verdict.reason] ?? 0) + 1;
    if (t.leftExamples.length < EXAMPLES) t.leftExamples.push(profileId);
  } else if (verdict.kind === "mismatched") {
    t.mismatched += 1;
    if (t.mismatchedExamples.length < EXAMPLES) t.mismatchedExamples.push(profileId);
  } else if (verdict.kind === "adopt") {
    t.adopted += 1;
  }
}

const numberFormat = new Intl.NumberFormat("en-US");

/** `600 values emi did not write (e.g. profiles 17, 18, 240)`; `at least` when only part was read. */
export function describeForeign(attribute: string, t: OwnershipTally, complete = true): string {
  return (
    `attribute ${attribute} holds ${complete ? "" : "at least "}${numberFormat.format(t.foreign)} value${t.foreign === 1 ? "" : "s"} emi did not write` +
    `${t.foreignExamples.length ? ` (e.g. profile${t.foreignExamples.length === 1 ? "" : "s"} ${t.foreignExamples.join(", ")})` : ""}`
  );
}

/** What to do about values emi did not write: adopt them, or choose another attribute. */
export function foreignAdvice(file: string | null): string {
  return (
    "emi never writes over them. If they are REAIDs (a migration from Raptor's web form, or a lost store), " +
    `keep them with \`adoptExistingReaids: true\` in ${file ?? "the declaration's actito section"}; otherwise choose another reaidAttribute`
  );
}

const leftWords: Record<LeftReason, [string, string]> = {
  "shared-value": ["value shared by two e-mails", "values shared by two e-mails"],
  "two-values": ["profile of an e-mail holding two values", "profiles of e-mails holding two values"],
  "not-url-safe": ["value that is not URL-safe", "values that are not URL-safe"],
  "held-elsewhere": ["value already a REAID of another e-mail", "values already REAIDs of other e-mails"],
  "email-has-reaid": [
    "value on an e-mail that has another REAID",
    "values on e-mails that have another REAID",
  ],
  "no-email": ["value on a profile without e-mail", "values on profiles without e-mail"],
};

/** `3 values shared by two e-mails left for a person (profiles 880, 881, 9031)`, or null when none. */
export function describeLeft(t: OwnershipTally): string | null {
  const parts = Object.entries(t.left)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => {
      const [one, many] = leftWords[reason as LeftReason];
      return `${numberFormat.format(n!)} ${n === 1 ? one : many}`;
    });
  if (parts.length === 0) return null;
  const examples = t.leftExamples.length ? ` (profiles ${t.leftExamples.join(", ")})` : "";
  return `${parts.join(", ")} left for a person${examples}`;
}

/** `2 profiles carry the REAID of another e-mail (e.g. profiles 4, 9)`, or null when none. */
export function describeMismatched(
  t: Pick<OwnershipTally, "mismatched" | "mismatchedExamples">,
): string | null {
  if (t.mismatched === 0) return null;
  return `${numberFormat.format(t.mismatched)} profile${t.mismatched === 1 ? " carries" : "s carry"} the REAID of another e-mail (e.g. profile${t.mismatchedExamples.length === 1 ? "" : "s"} ${t.mismatchedExamples.join(", ")})`;
}
