import { hash } from "node:crypto";
import type { Declared } from "../types/declared.ts";
import type { PlanBasis } from "./plan-types.ts";
import { UNKNOWN_LIVE } from "./plan-types.ts";
import type { LiveState } from "./refresh-live-state.ts";

/** `sha256:<hex>` of a value's JSON with object keys sorted, so equal values hash equal. */
function hashValue(value: unknown): string {
  return `sha256:${hash("sha256", canonicalJson(value))}`;
}

/** JSON with object keys sorted and undefined fields left out: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a plan relied on. The profile-count estimate is left out on purpose: customers add profiles
 * all day and that must not make every saved plan stale; the key fingerprint is in (a rotated key
 * changes what apply would write).
 */
export function computeBasis(declared: readonly Declared[], live: LiveState): PlanBasis {
  const declarations: Record<string, string> = {};
  for (const d of [...declared].sort((a, b) => (a.file < b.file ? -1 : 1)))
    declarations[d.file] = d.contentHash;
  const liveHashes: Record<string, string> = {};
  for (const account of [...live.accounts.keys()].sort((a, b) => a - b)) {
    const { facts, keyFingerprint } = live.accounts.get(account)!;
    liveHashes[String(account)] = facts.secretAvailable
      ? hashValue({
          ...facts,
          profilesWithoutReaid: undefined,
          existingValues: undefined,
          lastSync: undefined,
          syncCost: undefined,
          keyFingerprint,
        })
      : UNKNOWN_LIVE;
  }
  const core = { registryRevision: live.registryRevision, declarations, live: liveHashes };
  return { fingerprint: hashValue(core), ...core };
}

/**
 * What changed between a saved plan's basis and the current one, as sentences; empty when the plan
 * is still good. Live facts the saved plan could not check (no secret then) match anything: apply
 * checks them itself during activation.
 */
export function basisChanges(saved: PlanBasis, current: PlanBasis): string[] {
  const changes: string[] = [];
  if (saved.registryRevision !== current.registryRevision) {
    changes.push(`the registry changed (revision ${saved.registryRevision} → ${current.registryRevision})`);
  }
  const files = new Set([...Object.keys(saved.declarations), ...Object.keys(current.declarations)]);
  for (const file of [...files].sort()) {
    const before = saved.declarations[file];
    const after = current.declarations[file];
    if (before === after) continue;
    changes.push(
      before === undefined
        ? `${file} was added`
        : after === undefined
          ? `${file} was removed`
          : `${file} changed`,
    );
  }
  for (const [account, hash] of Object.entries(saved.live)) {
    if (hash === UNKNOWN_LIVE) continue;
    const now = current.live[account];
    // Without the secret now, activation will fail for that integration and say why.
    if (now === undefined || now === UNKNOWN_LIVE) continue;
    if (now !== hash) changes.push(`what Actito says about account ${account} changed`);
  }
  return changes;
}
