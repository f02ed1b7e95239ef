import { posix } from "node:path";
import type { RegistryEntry } from "../store/store.ts";
import type { Declared, DesiredIntegration } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import { diffViews, replaceFields, viewFromDesired, viewFromEntry } from "./integration-view.ts";
import { computeBasis } from "./plan-basis.ts";
import {
  type Change,
  type ChangeProblem,
  type FollowUpSync,
  type LiveFacts,
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanSummary,
} from "./plan-types.ts";
import { planClaimOrder } from "./plan-claim-order.ts";
import { planTableOwnership } from "./plan-table-ownership.ts";
import { withSyncEstimate } from "./estimate-sync.ts";
import { describeAttribute } from "../sync/reaid-attribute.ts";
import { withRealtime } from "./realtime-change.ts";
import { type LiveState, unknownFacts } from "./refresh-live-state.ts";
import { secretProblems, withEndpointHint } from "./secret-problems.ts";
import { linkProblems } from "./plan-links.ts";
import type { CampaignCheck } from "../links/link-check-types.ts";
import { UNMANAGED_CONFLICT } from "../types/diagnostic-code.ts";
import { declarationErrors } from "./declaration-errors.ts";

export interface BuildPlanInput {
  declared: readonly Declared[];
  /** From validation; any error means no changes are planned (a broken file must not read as deleted). */
  diagnostics: readonly Diagnostic[];
  live: LiveState;
  /** This repository's id, compared with the registry's `managedBy`. */
  repo: string;
  /** The declarations folder relative to the working directory, e.g. `integrations`. */
  dir: string;
  allowDeactivate: boolean;
  /** A secret that is not here is an error, not a warning (`--require-secrets`). */
  requireSecrets?: boolean;
  /** `EMI_PUBLIC_URL` (see publicUrlFrom): where `realtime: true` points Actito's webhooks; null when unset. */
  publicUrl?: string | null;
  /** The declared campaigns' link checks by account (facts of the moment, outside the basis). */
  links?: ReadonlyMap<number, CampaignCheck[]>;
  /** Link problems are errors (`--strict-links`). */
  strictLinks?: boolean;
  now?: Date;
}

/**
 * The plan: pure, from desired state (declarations) and live state (registry and Actito facts).
 * Each declared integration gets one change (no-op included); each integration this repository
 * manages whose declaration is gone gets a deactivation, blocked unless allowed.
 */
export function buildPlan(input: BuildPlanInput): Plan {
  const diagnostics = [...input.diagnostics];
  const invalid = diagnostics.some((d) => d.severity === "error");
  const active = input.live.registry.filter((e) => e.status !== "deactivated");
  const declaredAccounts = new Set(input.declared.map((d) => d.integration.account));

  const deactivations: Change[] = invalid
    ? []
    : active
        .filter((e) => e.managedBy === input.repo && !declaredAccounts.has(e.account))
        .map((entry) => planDeactivation(entry, input));
  for (const change of deactivations) {
    if (input.live.realtimeAccounts?.has(change.account)) {
      change.realtime = {
        enabled: false,
        targetUrl: null,
        subscriptions: [
          { eventType: "CREATE", state: "unknown", action: "deactivate" },
          { eventType: "UPDATE", state: "unknown", action: "deactivate" },
        ],
        rotateSecret: false,
      };
    }
  }
  const blockedHolders = new Map(deactivations.filter((c) => c.blocked).map((c) => [c.account, c]));
  // Indexes, so a plan of thousands of declarations stays linear.
  const holders = new Map<number, RegistryEntry>();
  for (const e of active) for (const a of [e.account, ...e.sisterAccounts]) holders.set(a, e);
  const owners = new Map(input.live.registry.map((e) => [e.account, e]));

  const changes: Change[] = invalid
    ? []
    : input.declared.map((declared) => {
        const live = input.live.accounts.get(declared.integration.account);
        const facts = live?.facts ?? unknownFacts(false);
        const change = withRealtime(
          planDeclared(declared, facts, owners.get(declared.integration.account) ?? null, input),
          declared.integration,
          input.publicUrl ?? null,
        );
        withEndpointHint(change.problems, live);
        change.problems.push(...secretProblems(live, input.requireSecrets ?? false));
        const links = input.links?.get(declared.integration.account);
        if (links !== undefined) {
          change.links = links;
          change.problems.push(...linkProblems(links, input.strictLinks ?? false));
        }
        for (const problem of holderProblems(declared, holders, blockedHolders, input.repo)) {
          change.problems.push(problem);
          if (problem.code === UNMANAGED_CONFLICT) {
            diagnostics.push({
              file: declared.file,
              line: 1,
              column: 1,
              code: problem.code,
              severity: "error",
              message: problem.message,
              path: "",
            });
          }
        }
        return change;
      });

  const all = [...deactivations, ...changes.sort((a, b) => a.account - b.account)];
  planTableOwnership(
    all,
    input.live.registry,
    new Map(input.declared.map((d) => [d.integration.account, d.integration])),
  );
  planClaimOrder(all, input.live.registry);
  for (const change of all) withSyncEstimate(change, input.now ?? new Date());
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    createdAt: (input.now ?? new Date()).toISOString(),
    repo: input.repo,
    dir: input.dir,
    options: { allowDeactivate: input.allowDeactivate },
    basis: computeBasis(input.declared, input.live),
    changes: all,
    summary: summarise(all, diagnostics),
    diagnostics,
  };
}

function planDeactivation(entry: RegistryEntry, input: BuildPlanInput): Change {
  const file = posix.join(input.dir.replaceAll("\\", "/"), `${entry.account}.yaml`);
  const before = viewFromEntry(entry);
  return {
    account: entry.account,
    action: "deactivate",
    reason: `${file} was removed`,
    file,
    before,
    after: { ...before, status: "deactivated" },
    differences: [{ field: "status", before: entry.status, after: "deactivated" }],
    sisters: { released: [...before.sisterAccounts], claimed: [] },
    live: null,
    blocked: !input.allowDeactivate,
    syncAfter: null,
    problems: [],
  };
}

function planDeclared(
  declared: Declared,
  facts: LiveFacts,
  entry: RegistryEntry | null,
  input: BuildPlanInput,
): Change {
  const desired = declared.integration;
  const ours = entry !== null && entry.managedBy === input.repo;
  const after = viewFromDesired(desired, facts, input.repo);
  const problems = liveProblems(desired, facts);
  const attributeMissing = facts.attribute.status === "missing";
  const base = {
    account: desired.account,
    file: declared.file,
    after,
    live: facts,
    blocked: false,
    problems,
  };
  const syncPossible = desired.emailSync && facts.attribute.status !== "conflict";
  // A new table, or an attribute (re-)added: the incremental watermark of the last sync says nothing
  // about these profiles, so the sync after activation reads them all.
  const followUp = (replacing: boolean): FollowUpSync | null =>
    !syncPossible ? null : replacing || attributeMissing ? "full" : "incremental";

  if (entry === null || entry.status === "deactivated" || !ours) {
    return {
      ...base,
      action: "create",
      reason:
        entry?.status === "deactivated" && ours
          ? `${declared.file}: reactivation (the registry has it deactivated)`
          : `new declaration ${declared.file}`,
      before: entry?.status === "deactivated" && ours ? viewFromEntry(entry) : null,
      differences: [],
      sisters: { released: [], claimed: [...desired.sisterAccounts] },
      syncAfter: followUp(false),
    };
  }

  const before = viewFromEntry(entry);
  const differences = diffViews(before, after);
  const sisters = {
    released: before.sisterAccounts.filter((a) => !after.sisterAccounts.includes(a)),
    claimed: after.sisterAccounts.filter((a) => !before.sisterAccounts.includes(a)),
  };
  const replacing = differences.filter((d) => replaceFields.includes(d.field));
  // The schedule counts failed runs since the last success: a failed sync is never taken as done.
  const lastFailed =
    entry.sync.health === "degraded" && (input.live.failedSyncs?.get(entry.account) ?? 0) > 0;
  const syncDue =
    lastFailed ||
    entry.sync.health === "never" ||
    entry.sync.health === "due" ||
    // A sync killed midway stays "syncing": the next apply resumes it from its checkpoint.
    entry.sync.health === "syncing" ||
    attributeMissing ||
    (!entry.emailSync && desired.emailSync) ||
    // Adoption asked for after a sync was refused (values emi did not write): apply runs it.
    (entry.sync.health === "degraded" && desired.actito.adoptExistingReaids === true);
  if (replacing.length > 0) {
    return {
      ...base,
      action: "replace",
      reason: `points at another table: ${replacing.map((d) => d.field).join(", ")} changed`,
      before,
      differences,
      sisters,
      syncAfter: followUp(true),
    };
  }
  if (differences.length > 0 || attributeMissing) {
    const reasons = differences.map((d) => d.field as string);
    if (attributeMissing) reasons.push(`REAID attribute ${desired.actito.reaidAttribute} missing in Actito`);
    return {
      ...base,
      action: "update",
      reason: `changed: ${reasons.join(", ")}`,
      before,
      differences,
      sisters,
      syncAfter: syncDue ? followUp(false) : null,
    };
  }
  if (syncPossible && syncDue) {
    return {
      ...base,
      action: "sync",
      reason: lastFailed
        ? `sync: the last run failed at ${entry.sync.lastRun ?? "an unknown time"}: runs again (${entry.sync.reason ?? "no reason recorded"})`
        : `REAID sync is due (sync health: ${entry.sync.health})`,
      before,
      differences,
      sisters,
      syncAfter: "incremental",
    };
  }
  return {
    ...base,
    action: "no-op",
    reason: "up to date",
    before,
    differences,
    sisters,
    syncAfter: null,
  };
}

function liveProblems(desired: DesiredIntegration, facts: LiveFacts): ChangeProblem[] {
  const { entity, profileTable, reaidAttribute, apiKey, endpoint } = desired.actito;
  const problems: ChangeProblem[] = [];
  if (facts.error !== null) {
    problems.push({ severity: "error", code: "actito-unavailable", message: facts.error });
  }
  if (facts.key === "rejected") {
    problems.push({
      severity: "error",
      code: "key-rejected",
      message: `Actito (${endpoint}) refused the API key from ${apiKey.secretRef}: check it is current and not revoked`,
    });
  }
  if (facts.entity === "missing") {
    problems.push({
      severity: "error",
      code: "entity-missing",
      message: `the licence behind this key has no entity "${entity}" (endpoint ${endpoint})`,
    });
  }
  if (facts.table.status === "missing" || facts.table.status === "ambiguous") {
    const candidates = facts.table.candidates?.length ? facts.table.candidates.join(", ") : "none";
    problems.push({
      severity: "error",
      code: facts.table.status === "missing" ? "table-missing" : "table-ambiguous",
      message:
        facts.table.status === "missing"
          ? `entity ${entity} has no profile table "${profileTable ?? ""}" (tables: ${candidates})`
          : `entity ${entity} has several profile tables (${candidates}): declare actito.profileTable`,
    });
  }
  if (facts.attribute.status === "conflict" && facts.attribute.definition) {
    problems.push({
      // With emailSync on, the declaration asks for something that can never happen: an error, so
      // apply exits 1. With it off nothing is written, and a person may fix Actito later.
      severity: desired.emailSync ? "error" : "warning",
      code: "reaid-attribute-conflict",
      message:
        `attribute ${reaidAttribute} already exists as ${describeAttribute(facts.attribute.definition)}; ` +
        `REAIDs need CUSTOM STRING unique. emi never changes an existing attribute: a person must fix it ` +
        `in Actito or declare another actito.reaidAttribute. emi never writes to it`,
    });
  }
  return problems;
}

/**
 * Rule 5 and its managed twin: every account this declaration wants must be free, held by itself,
 * or released in this same plan by another integration this repository manages.
 */
function holderProblems(
  declared: Declared,
  holders: ReadonlyMap<number, RegistryEntry>,
  blockedHolders: ReadonlyMap<number, Change>,
  repo: string,
): ChangeProblem[] {
  const desired = declared.integration;
  const problems: ChangeProblem[] = [];
  for (const account of [desired.account, ...desired.sisterAccounts]) {
    const holder = holders.get(account);
    if (!holder) continue;
    const role = holder.account === account ? "owner" : `sister of ${holder.account}`;
    if (holder.managedBy !== repo) {
      problems.push({
        severity: "error",
        code: UNMANAGED_CONFLICT,
        message:
          `account ${account} (declared in ${declared.file} as ${account === desired.account ? "owner" : `sister of ${desired.account}`}) ` +
          `already has an integration in the registry as ${role} (${holder.endpoint} / ${holder.entity}) ` +
          `managed by ${holder.managedBy ?? "no repository (created outside emi)"}, not by ${repo}: ` +
          `remove it there first, or leave this account out`,
      });
    } else if (holder.account !== desired.account && blockedHolders.has(holder.account)) {
      problems.push({
        severity: "error",
        code: "account-held",
        message: `account ${account} is still held by ${holder.account}, whose deactivation is blocked: apply with --allow-deactivate`,
      });
    }
  }
  return problems;
}

function summarise(changes: readonly Change[], diagnostics: readonly Diagnostic[]): PlanSummary {
  // A change in error is not going to happen: it is counted as an error, not as work.
  const ok = changes.filter((c) => !c.problems.some((p) => p.severity === "error"));
  const count = (action: PlanAction) => ok.filter((c) => c.action === action).length;
  const problems = changes.flatMap((c) => c.problems);
  return {
    create: count("create"),
    update: count("update"),
    replace: count("replace"),
    deactivate: ok.filter((c) => c.action === "deactivate" && !c.blocked).length,
    blocked: changes.filter((c) => c.blocked).length,
    sync: ok.filter((c) => c.syncAfter).length,
    unchanged: count("no-op"),
    errors: problems.filter((p) => p.severity === "error").length + declarationErrors(diagnostics).length,
    warnings: problems.filter((p) => p.severity === "warning").length,
    unchecked: changes.filter((c) => c.live !== null && !c.live.secretAvailable).length,
    total: changes.length,
  };
}
