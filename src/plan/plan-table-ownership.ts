import type { RegistryEntry } from "../store/store.ts";
import { describeForeign, describeLeft, foreignAdvice } from "../sync/ownership-tally.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import type { Change, ChangeProblem, IntegrationView } from "./plan-types.ts";
import type { PlanProblemCode } from "../types/diagnostic-code.ts";

/** Code of the error on a change whose table holds REAID values emi did not write. */
export const VALUES_NOT_EMIS = "reaid-values-not-emi" satisfies PlanProblemCode;

function tableKey(view: Pick<IntegrationView, "endpoint" | "entity" | "profileTableId">): string | null {
  return view.profileTableId === null ? null : `${view.endpoint}/${view.entity}/${view.profileTableId}`;
}

/**
 * Decides, for each change that will sync, whose REAIDs its table holds (pure; after the changes are
 * built). A table passing from one integration to another in this plan (the old one deactivated or
 * pointed elsewhere, or already deactivated) keeps its REAIDs: the change records a `takeover` and
 * apply moves the old namespace's REAIDs to the new one — nothing changes in Actito. Values that
 * neither this namespace nor a taken-over one wrote are an error unless adopted.
 */
export function planTableOwnership(
  changes: Change[],
  registry: readonly RegistryEntry[],
  desired: ReadonlyMap<number, DesiredIntegration>,
): void {
  const leaving = new Map<string, number>();
  for (const entry of registry) {
    const key = tableKey(entry);
    if (key === null) continue;
    const change = changes.find((c) => c.account === entry.account);
    const gone =
      entry.status === "deactivated" ||
      (change?.action === "deactivate" && !change.blocked) ||
      (change?.action === "replace" && change.after !== null && tableKey(change.after) !== key);
    if (gone) leaving.set(key, entry.account);
  }
  for (const change of changes) {
    if (!change.after || change.action === "deactivate" || !change.live) continue;
    const key = tableKey(change.after);
    const from = key === null ? undefined : leaving.get(key);
    if (from !== undefined && from !== change.account && change.action !== "no-op") {
      change.takeover = { from };
    }
    const values = change.live.existingValues;
    if (!values || !change.syncAfter) continue;
    const adopt = desired.get(change.account)?.actito.adoptExistingReaids === true;
    let foreign = values.foreign;
    const examples = [...values.foreignExamples];
    for (const [namespace, other] of Object.entries(values.otherNamespaces)) {
      if (change.takeover && namespace === String(change.takeover.from)) continue;
      foreign += other.count;
      examples.push(...other.examples);
    }
    if (foreign > 0 && !adopt) {
      const tally = { foreign, foreignExamples: examples.sort((a, b) => a - b).slice(0, 3) };
      change.problems.push(valuesNotEmis(change, tally, values.complete));
    }
  }
}

function valuesNotEmis(
  change: Change,
  tally: { foreign: number; foreignExamples: number[] },
  complete: boolean,
): ChangeProblem {
  const attribute = change.after?.reaidAttribute ?? "reaid";
  const full = {
    ...tally,
    adopted: 0,
    left: {},
    leftExamples: [],
    mismatched: 0,
    mismatchedExamples: [],
  };
  return {
    severity: "error",
    code: VALUES_NOT_EMIS,
    message: `${describeForeign(attribute, full, complete)}. ${foreignAdvice(change.file)}`,
  };
}

const numberFormat = new Intl.NumberFormat("en-US");

/**
 * The sync preview with adoption: `adopt 48,113 existing REAIDs · create about 2,087 · 3 values shared
 * by two e-mails left for a person (profiles 880, 881, 9031)`; null when nothing is adopted or left.
 */
export function describeAdoption(change: Change): string | null {
  const values = change.live?.existingValues;
  if (!values) return null;
  const about = values.complete ? "" : "at least ";
  const parts: string[] = [];
  if (values.adoptable > 0)
    parts.push(`adopt ${about}${numberFormat.format(values.adoptable)} existing REAIDs`);
  const missing = change.live?.profilesWithoutReaid;
  if (parts.length > 0 && missing) {
    parts.push(`create ${missing.complete ? "about" : "at least"} ${numberFormat.format(missing.count)}`);
  }
  const left = describeLeft({
    foreign: 0,
    foreignExamples: [],
    adopted: 0,
    left: values.left,
    leftExamples: values.leftExamples,
    mismatched: 0,
    mismatchedExamples: [],
  });
  if (left) parts.push(left);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** `keeps the REAIDs 1071 wrote in this table (they become 1072's); nothing changes in Actito`. */
export function describeTakeover(change: Change): string | null {
  if (!change.takeover) return null;
  return `keeps the REAIDs ${change.takeover.from} wrote in this table (they become ${change.account}'s); nothing changes in Actito`;
}
