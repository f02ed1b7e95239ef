import { type SecretSource, secretSourceFrom } from "../config/resolve-secret.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import type { ServeStores } from "./build-server.ts";
import { InboxWorker, pollInbox } from "./inbox-worker.ts";
import type { ServeMetrics } from "./serve-metrics.ts";

/**
 * The `--worker` of `emi serve`: the inbox worker in the same process, polling every second, with
 * the declarations of `--dir` (read again every few seconds) for each integration's Actito API key.
 */
export function inboxWorkerForServe(options: {
  dir: string;
  /** The process environment and working directory (secrets are read with them). */
  io: { env: Record<string, string | undefined>; cwd: string };
  log: (line: Record<string, unknown>) => void;
  intervalMs?: number;
  /** How often the declarations are read again (default 5 s). */
  rereadMs?: number;
}): (stores: ServeStores, metrics: ServeMetrics) => { stop(): Promise<void> } {
  return (stores, metrics) => {
    let declared = new Map<number, DesiredIntegration>();
    // Keys are read as the CLI reads them: the repository's root and secret allow-list.
    let secrets: SecretSource = { env: options.io.env, cwd: options.io.cwd };
    let readAt = 0;
    const refresh = async () => {
      if (Date.now() - readAt < (options.rereadMs ?? 5_000)) return;
      readAt = Date.now();
      const validation = await validateDirectory(options.dir, { cwd: options.io.cwd });
      const next = new Map<number, DesiredIntegration>();
      for (const { integration } of validation.declared) next.set(integration.account, integration);
      declared = next;
      secrets = secretSourceFrom(validation.repository, options.io.env, options.io.cwd);
    };
    const worker = new InboxWorker({
      ...stores,
      integrationFor: (account) => declared.get(account) ?? null,
      secrets: () => secrets,
      log: options.log,
      onOutcome: (outcome, count) => metrics.inboxWritten.inc({ outcome }, count),
    });
    return pollInbox(worker, {
      intervalMs: options.intervalMs,
      before: () =>
        refresh().catch((error: unknown) =>
          options.log({ msg: "cannot read the declarations", dir: options.dir, error: String(error) }),
        ),
      after: async () => {
        // A store that does not answer leaves the gauge as it was (never a false "0 waiting").
        const pending = await stores.inbox.countInbox().catch(() => null);
        if (pending !== null) metrics.inboxPending.set(pending);
      },
    });
  };
}
