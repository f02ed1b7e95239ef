import { connectActito } from "../actito/connect-actito.ts";
import type { ActitoApi } from "../actito/types.ts";
import { readSecret, secretSourceFrom } from "../config/resolve-secret.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import { namespaceOf } from "../store/namespace-of.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import { resolveSyncTarget, type SyncTarget } from "../sync/resolve-sync-target.ts";
import { EmiError } from "../types/errors.ts";
import type { CliIO } from "./io.ts";
import { storeKeys } from "./store-keys.ts";

/** One integration's Actito table and the store, for commands that need addresses back from Actito. */
export interface IntegrationTable {
  store: Store;
  api: ActitoApi;
  target: SyncTarget;
  namespace: string;
  /** The integration's owner account. */
  account: number;
  close(): Promise<void>;
}

/**
 * Opens the store (with its key) and the Actito table of the integration `account` belongs to, as
 * declared in `dir`: the store keeps no address, so `reaid export` and `reaid forget` read them
 * from Actito.
 */
export async function openIntegrationTable(
  io: CliIO,
  flags: { dir: string; store: string; account: number },
): Promise<IntegrationTable> {
  // The store first: a mistyped --store says so before anything else.
  const store = await openStore(flags.store, { cwd: io.cwd, existing: true, keys: storeKeys(io, flags.dir) });
  try {
    return await openTable(io, flags, store);
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function openTable(
  io: CliIO,
  flags: { dir: string; store: string; account: number },
  store: Store,
): Promise<IntegrationTable> {
  const validation = await validateDirectory(flags.dir, { cwd: io.cwd });
  if (validation.diagnostics.some((d) => d.severity === "error")) {
    throw new EmiError(`the declarations in ${flags.dir} are not valid: run emi validate`);
  }
  const integration = validation.declared
    .map((d) => d.integration)
    .find((i) => i.account === flags.account || i.sisterAccounts.includes(flags.account));
  if (!integration) throw new EmiError(`no declaration in ${flags.dir} covers account ${flags.account}`);
  const reading = await readSecret(
    integration.actito.apiKey.secretRef,
    secretSourceFrom(validation.repository, io.env, io.cwd),
  );
  if (!reading.ok)
    throw new EmiError(
      `the API key of account ${integration.account} is not available here (${reading.message})`,
    );
  const api = connectActito(io.env)({
    endpoint: integration.actito.endpoint,
    apiKey: reading.value,
    entity: integration.actito.entity,
    account: integration.account,
  });
  try {
    const entry = await store.findByAccount(integration.account);
    if (!entry)
      throw new EmiError(
        `account ${integration.account} has no integration in the store: run emi apply first`,
      );
    const target = await resolveSyncTarget(api, integration, entry);
    return {
      store,
      api,
      target,
      namespace: namespaceOf(entry),
      account: entry.account,
      close: async () => {
        await api.close();
        await store.close();
      },
    };
  } catch (error) {
    await api.close();
    throw error;
  }
}
