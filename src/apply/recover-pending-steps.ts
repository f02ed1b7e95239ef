import type { ConnectActito } from "../actito/connect-actito.ts";
import { type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import type { JournalEntry, RegistryEntry, Store } from "../store/store.ts";
import type { Endpoint } from "../types/declared.ts";
import { unreachable } from "../types/unreachable.ts";
import type { ApplyEvent, RecoveredStep } from "./apply-types.ts";
import { recoverWebhooksStep } from "./ensure-realtime-step.ts";
import { safeMessage } from "./journal-step.ts";
import { isJournalStepName } from "./journal-step-name.ts";

export interface RecoverOptions {
  store: Store;
  connect: ConnectActito;
  secrets: Secrets;
  onEvent?: ((event: ApplyEvent) => void) | undefined;
}

/**
 * Steps an interrupted apply left pending have an unknown outcome. Each is checked against where its
 * effect would be (Actito for an added attribute or webhooks, the registry for store writes) and
 * closed as succeeded or failed; every step that writes has its own check (an exhaustive switch over
 * JournalStepName). Nothing is redone here — the plan that follows is built from the state this
 * checking saw, so a step that did happen is not planned again — except webhooks that should be
 * off, which no later plan would switch off. A step that cannot be checked now (no secret, Actito
 * unreachable, a step name another emi wrote) stays pending and is reported as unknown.
 */
export async function recoverPendingSteps(options: RecoverOptions): Promise<RecoveredStep[]> {
  const recovered: RecoveredStep[] = [];
  for (const entry of await options.store.journalPending()) {
    let outcome: RecoveredStep["outcome"];
    let note: string;
    try {
      [outcome, note] = await check(entry, options);
    } catch (error) {
      [outcome, note] = ["unknown", `could not check: ${safeMessage(error)}`];
    }
    if (outcome !== "unknown") {
      await options.store.journalEnd(entry.id, outcome, outcome === "failed" ? note : undefined);
    }
    const step: RecoveredStep = {
      account: entry.account,
      step: entry.step,
      applyId: entry.applyId,
      outcome,
      note,
    };
    options.onEvent?.({ type: "recovered", step });
    recovered.push(step);
  }
  return recovered;
}

async function check(
  entry: JournalEntry,
  options: RecoverOptions,
): Promise<[RecoveredStep["outcome"], string]> {
  const d = entry.detail;
  const step = entry.step;
  // A step another emi version journalled: left pending for a person (or that version) to check.
  if (!isJournalStepName(step)) return ["unknown", `step ${step} is not one this emi knows how to check`];
  switch (step) {
    case "verify-key":
    case "resolve-table":
      return ["failed", "interrupted while reading (nothing to undo)"];
    case "add-attribute": {
      const secret = await secretResolver(options.secrets)(String(d.secretRef));
      if (!secret.ok) return ["unknown", `${secret.message}: Actito cannot be checked`];
      const apiKey = secret.value;
      const client = options.connect({ endpoint: d.endpoint as Endpoint, apiKey });
      try {
        const table = await client.getProfileTable(String(d.entity), String(d.tableId));
        return table.attributes.some((a) => a.name === d.attribute)
          ? ["succeeded", `attribute ${String(d.attribute)} is in Actito: the step had happened`]
          : ["failed", `attribute ${String(d.attribute)} is not in Actito: the step had not happened`];
      } finally {
        await client.close();
      }
    }
    case "write-registry":
    case "release-sisters":
    case "deactivate": {
      const owner = await ownerEntry(options.store, entry.account);
      const done = registryShows(entry, owner);
      return done
        ? ["succeeded", "the registry shows the write: the step had happened"]
        : ["failed", "the registry does not show the write: the step had not happened"];
    }
    case "sync-due": {
      const owner = await ownerEntry(options.store, entry.account);
      return owner && owner.sync.health !== "never"
        ? ["succeeded", "the registry records the sync"]
        : ["failed", "no sync recorded: the next plan schedules it"];
    }
    case "revoke-service-keys": {
      const accounts = Array.isArray(d.accounts) ? d.accounts.map(Number) : [];
      const left = (await options.store.workingServiceKeys(accounts)).filter(
        (k) => k.owner === entry.account,
      );
      return left.length === 0
        ? ["succeeded", "no service key of the leaving accounts works: the step had happened"]
        : ["failed", `${left.length} service key(s) still work: the next apply revokes them`];
    }
    case "take-over-reaids": {
      // One transaction: the REAIDs moved, or none did (and the next apply moves them).
      const left = await options.store.countReaids(String(d.from));
      return left === 0
        ? ["succeeded", `namespace ${String(d.from)} holds no REAIDs any more: the step had happened`]
        : ["failed", `namespace ${String(d.from)} still holds ${left} REAIDs: the next apply moves them`];
    }
    case "ensure-webhooks":
      return recoverWebhooksStep({ ...options, account: entry.account, detail: d });
    default:
      return unreachable(step, "journal step");
  }
}

async function ownerEntry(store: Store, account: number): Promise<RegistryEntry | null> {
  const entry = await store.findByAccount(account);
  return entry && entry.account === account ? entry : null;
}

function sameAccounts(a: unknown, b: readonly number[]): boolean {
  return Array.isArray(a) && JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

function registryShows(entry: JournalEntry, owner: RegistryEntry | null): boolean {
  const d = entry.detail;
  if (!owner) return false;
  if (entry.step === "deactivate") return owner.status === "deactivated";
  if (entry.step === "release-sisters") return sameAccounts(d.sisterAccounts, owner.sisterAccounts);
  return (
    owner.status === "active" &&
    owner.endpoint === d.endpoint &&
    owner.entity === d.entity &&
    owner.profileTableId === d.profileTableId &&
    owner.managedBy === d.managedBy &&
    sameAccounts(d.sisterAccounts, owner.sisterAccounts)
  );
}
