import { describeMismatched } from "../sync/ownership-tally.ts";
import { formatValue } from "./describe-change.ts";
import { VALUES_NOT_EMIS } from "./plan-table-ownership.ts";
import type { Plan } from "./plan-types.ts";
import { type DriftLinkFinding, driftLinkFindings } from "./drift-link-findings.ts";
import { LINK_PROBLEM_CODES } from "./plan-links.ts";
import { type DiagnosticCode, UNMANAGED_CONFLICT } from "../types/diagnostic-code.ts";
import { declarationErrors } from "./declaration-errors.ts";

type DriftKind =
  | "not-applied"
  | "not-declared"
  | "setting-changed"
  | "key-changed"
  | "key-revoked"
  | "attribute-removed"
  | "attribute-conflict"
  | "entity-missing"
  | "table-missing"
  | "unmanaged"
  | "reaid-mismatch"
  | "values-not-emi"
  | "webhook-missing"
  | "webhook-inactive";

/** One difference between the declarations and the registry or Actito that nobody declared. */
interface DriftItem {
  account: number;
  kind: DriftKind;
  file: string;
  message: string;
}

/** The drift report: versioned data, rendered like the plan. */
export interface DriftReport {
  formatVersion: 1;
  createdAt: string;
  repo: string;
  items: DriftItem[];
  /** Failures that kept drift from being checked (Actito unreachable, invalid declarations). */
  errors: string[];
  /** Integrations compared with Actito, and those that could not be for want of a secret. */
  checked: number;
  unchecked: number;
  /**
   * The declared campaigns' links that do not carry the REAID (or campaigns that could not be read),
   * each marked `new` when the last drift report did not show it.
   */
  links?: DriftLinkFinding[];
}

const problemKinds: Partial<Record<DiagnosticCode, DriftKind>> = {
  "key-rejected": "key-revoked",
  "entity-missing": "entity-missing",
  "table-missing": "table-missing",
  "table-ambiguous": "table-missing",
  "reaid-attribute-conflict": "attribute-conflict",
  [UNMANAGED_CONFLICT]: "unmanaged",
  "account-held": "setting-changed",
  [VALUES_NOT_EMIS]: "values-not-emi",
};

/** Drift is the plan seen from the other side: what differs although nobody changed a declaration. */
export function detectDrift(plan: Plan, reportedLinks: ReadonlySet<string> = new Set()): DriftReport {
  const items: DriftItem[] = [];
  const errors = declarationErrors(plan.diagnostics).map(
    (d) => `${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}`,
  );
  for (const change of plan.changes) {
    const add = (kind: DriftKind, message: string) =>
      items.push({ account: change.account, kind, file: change.file, message });
    for (const p of change.problems) {
      const kind = problemKinds[p.code];
      if (kind) add(kind, p.message);
      // Link findings are reported on their own, below.
      else if (LINK_PROBLEM_CODES.has(p.code)) continue;
      // A secret not available here is not drift, nor a failure of the check: the facts are unknown.
      else if (p.code !== "secret-unavailable" || p.severity === "error")
        errors.push(`${change.account}: ${p.message}`);
    }
    if (change.problems.some((p) => p.code === UNMANAGED_CONFLICT)) continue;
    if (change.action === "deactivate") {
      add(
        "not-declared",
        `active in the registry, managed by ${plan.repo}, but ${change.file} does not exist`,
      );
    } else if (change.action === "create") {
      add("not-applied", `${change.file} is declared but not active in the registry`);
    }
    for (const d of change.differences) {
      if (change.action === "deactivate") continue;
      if (d.field === "apiKey") {
        // A rejected key is reported as revoked; that it also differs says nothing more.
        if (change.live?.key !== "rejected")
          add("key-changed", "the API key differs from the one the registry recorded");
      } else
        add(
          "setting-changed",
          `${d.field}: registry has ${formatValue(d.before)}, declared ${formatValue(d.after)}`,
        );
    }
    if (change.realtime?.enabled && change.action !== "create") {
      for (const s of change.realtime.subscriptions) {
        if (s.state === "missing")
          add("webhook-missing", `the realtime ${s.eventType} webhook subscription is missing in Actito`);
        else if (s.state === "inactive" || s.state === "different")
          add(
            "webhook-inactive",
            `the realtime ${s.eventType} webhook subscription is ${s.state === "inactive" ? "inactive" : "changed (target, mode or filter)"} in Actito`,
          );
      }
    }
    const last = change.live?.lastSync;
    if (last && last.mismatched > 0) {
      add(
        "reaid-mismatch",
        `${describeMismatched(last)} at the last sync: the next sync clears and then sets them (e.g. e-mails swapped between profiles)`,
      );
    }
    if (last && last.foreign > 0 && !change.problems.some((p) => p.code === VALUES_NOT_EMIS)) {
      add(
        "values-not-emi",
        `the last sync found ${last.foreign} value(s) emi did not write in the REAID attribute (e.g. profiles ${last.foreignExamples.join(", ")}) and wrote nothing over them`,
      );
    }
    if (change.live?.attribute.status === "missing" && change.action !== "create") {
      add(
        "attribute-removed",
        `the REAID attribute ${change.after?.reaidAttribute ?? ""} is gone from the Actito table`,
      );
    }
  }
  const live = plan.changes.filter((c) => c.live !== null);
  return {
    formatVersion: 1,
    createdAt: plan.createdAt,
    repo: plan.repo,
    items,
    errors,
    checked: live.filter((c) => c.live?.secretAvailable).length,
    unchecked: live.filter((c) => !c.live?.secretAvailable).length,
    links: driftLinkFindings(plan, reportedLinks),
  };
}
