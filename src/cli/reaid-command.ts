import type { Command } from "commander";
import { stringify } from "csv-stringify/sync";
import { StoreError } from "../store/errors.ts";
import { namespaceOf } from "../store/namespace-of.ts";
import { normaliseEmail } from "../store/normalise-email.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import { eraseReaids } from "../sync/erase-reaids.ts";
import { profileEmail } from "../sync/profile-fields.ts";
import { dirOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { neutraliseFormula } from "./neutralise-formula.ts";
import type { CliIO } from "./io.ts";
import type { CommandContext } from "./command-context.ts";
import { openIntegrationTable } from "./open-integration-table.ts";
import { parseAccount } from "./parse-account.ts";
import { storeKeys } from "./store-keys.ts";

interface ReaidFlags {
  account: number;
  store: string;
  dir: string;
}

const ROWS_PER_WRITE = 1_000;

/** The namespace of the integration that `account` belongs to (as owner or sister). */
async function namespaceFor(store: Store, account: number): Promise<string> {
  const entry = await store.findByAccount(account);
  if (!entry)
    throw new StoreError("unknown-integration", `account ${account} has no integration in the store`);
  return namespaceOf(entry);
}

// Waits for the pipe to drain when the consumer is slower than the store, so memory stays flat.
async function write(stdout: CliIO["stdout"], chunk: string): Promise<void> {
  if (stdout.write(chunk) !== false) return;
  const stream = stdout as { once?: (event: "drain", listener: () => void) => unknown };
  if (typeof stream.once === "function") await new Promise<void>((resolve) => stream.once!("drain", resolve));
}

/** `emi reaid get`, `export` and `forget`: REAIDs for support, audits and erasure requests. */
export function registerReaidCommand(program: Command, ctx: CommandContext): void {
  const reaid = program.command("reaid").description("look up and erase REAIDs (needs the store key)");
  reaid
    .command("get <email>")
    .description("print the REAID of an e-mail address (exit code 1 if it has none)")
    .requiredOption("--account <account>", "an account of the integration (owner or sister)", parseAccount)
    .addOption(storeOption())
    .addOption(dirOption())
    .action(async (email: string, flags: ReaidFlags) => {
      const store = await openStore(flags.store, {
        cwd: ctx.io.cwd,
        existing: true,
        keys: storeKeys(ctx.io, flags.dir),
      });
      try {
        const found = await store.getReaid(await namespaceFor(store, flags.account), email);
        if (found === null) {
          ctx.io.stderr.write(
            `no REAID for that e-mail address in the integration of account ${flags.account}\n`,
          );
          ctx.exitCode = ExitCode.error;
          return;
        }
        ctx.io.stdout.write(`${found}\n`);
      } finally {
        await store.close();
      }
    });

  reaid
    .command("export")
    .description(
      "stream every e-mail address of the integration's Actito table that has a REAID, with its REAID, as CSV (personal data, read from Actito: the store keeps no address; e-mail cells that a spreadsheet would run as a formula start with ')",
    )
    .requiredOption("--account <account>", "an account of the integration (owner or sister)", parseAccount)
    .addOption(storeOption())
    .addOption(dirOption())
    .action(async (flags: ReaidFlags) => {
      const table = await openIntegrationTable(ctx.io, flags);
      try {
        const { api, store, target, namespace } = table;
        ctx.io.stderr.write(
          "warning: this export contains e-mail addresses, which are personal data: keep it only as long as needed, share it only with who may see it, and delete it afterwards\n",
        );
        await write(ctx.io.stdout, "email,reaid\n");
        // One row per address: several profiles may share one.
        const done = new Set<string>();
        for await (const page of api.listProfiles(target.entity, target.tableId, {
          attributes: [target.emailAttribute],
        })) {
          const emails: string[] = [];
          for (const profile of page.profiles) {
            const email = profileEmail(profile.attributes[target.emailAttribute]);
            if (email === null) continue;
            const key = normaliseEmail(email);
            if (done.has(key)) continue;
            done.add(key);
            emails.push(key);
          }
          const reaids = await store.findReaids(namespace, emails);
          // A REAID is URL-safe ([A-Za-z0-9_-], generated or adopted), so it cannot carry a formula, and it
          // must stay exact for whoever joins on it: only the e-mail cell is neutralised.
          const rows = emails.flatMap((email) => {
            const found = reaids.get(email);
            return found === undefined ? [] : [[neutraliseFormula(email), found]];
          });
          for (let i = 0; i < rows.length; i += ROWS_PER_WRITE) {
            await write(ctx.io.stdout, stringify(rows.slice(i, i + ROWS_PER_WRITE)));
          }
        }
      } finally {
        await table.close();
      }
    });

  reaid
    .command("forget [emails...]")
    .description(
      "erase people on request: remove each address's REAID from the integration (the address later gets a new one) and clear it on the Actito profile that carries it; exit code 1 if an address had no REAID",
    )
    .requiredOption("--account <account>", "an account of the integration (owner or sister)", parseAccount)
    .option("--stdin", "read the addresses from stdin, one a line")
    .addOption(storeOption())
    .addOption(dirOption())
    .action(async (emails: string[], flags: ReaidFlags & { stdin?: boolean }, command: Command) => {
      const { io } = ctx;
      const given = [...emails];
      if (flags.stdin) {
        if (!io.readStdin) command.error("error: there is no stdin to read addresses from", { exitCode: 1 });
        given.push(...(await io.readStdin!()).split(/\r?\n/));
      }
      const addresses = [...new Set(given.map(normaliseEmail).filter((e) => e !== ""))];
      if (addresses.length === 0) {
        command.error("error: no address given: pass addresses, or --stdin with one a line", { exitCode: 1 });
      }
      const table = await openIntegrationTable(io, flags);
      try {
        const found = await table.store.findReaids(table.namespace, addresses);
        const reaids = [...new Set(found.values())];
        const { erased, cleared } = await eraseReaids(table, reaids, "request");
        const unknown = addresses.length - found.size;
        // Counts only: the addresses are the person's, not the log's.
        io.stdout.write(
          `erased ${erased} REAID(s) of the integration of account ${table.account}; cleared ${cleared} Actito profile(s)\n`,
        );
        if (unknown > 0) {
          io.stderr.write(`${unknown} of ${addresses.length} address(es) had no REAID in this integration\n`);
          ctx.exitCode = ExitCode.error;
        }
      } finally {
        await table.close();
      }
    });
}
