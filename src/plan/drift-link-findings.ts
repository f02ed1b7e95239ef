import { createHash } from "node:crypto";
import type { LinkProblemKind } from "../links/link-check-types.ts";
import type { Plan } from "./plan-types.ts";

/** One finding of the campaign link check, as drift reports it. */
export interface DriftLinkFinding {
  account: number;
  file: string;
  /** The campaign's id, or the declared reference when it could not be read. */
  campaign: string;
  problem: LinkProblemKind | "unreadable";
  /** The link (absent for an unreadable campaign). */
  href?: string;
  /** Its line in the campaign's HTML (absent for an unreadable campaign). */
  line?: number;
  /** Not in the last drift report: the schedule's news. */
  new: boolean;
  /** Fingerprint of the finding (what the store keeps to tell new from known: no link text). */
  key: string;
}

function keyOf(parts: readonly (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 22);
}

/** The link findings of a plan's changes, each marked new unless the last report showed it. */
export function driftLinkFindings(plan: Plan, reported: ReadonlySet<string>): DriftLinkFinding[] {
  const findings: DriftLinkFinding[] = [];
  for (const change of plan.changes) {
    for (const check of change.links ?? []) {
      const campaign = check.id === null ? check.name : String(check.id);
      if (check.error !== undefined) {
        const key = keyOf([change.account, campaign, "unreadable"]);
        findings.push({
          account: change.account,
          file: change.file,
          campaign,
          problem: "unreadable",
          new: !reported.has(key),
          key,
        });
        continue;
      }
      for (const problem of check.problems) {
        const key = keyOf([change.account, campaign, problem.problem, problem.href]);
        findings.push({
          account: change.account,
          file: change.file,
          campaign,
          problem: problem.problem,
          href: problem.href,
          line: problem.line,
          new: !reported.has(key),
          key,
        });
      }
    }
  }
  return findings;
}
