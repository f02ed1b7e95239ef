import type { Command } from "commander";
import { stringify } from "csv-stringify/sync";
import { StoreError } from "../store/errors.ts";
import { namespaceOf } from "../store/namespace-of.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import { storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { neutraliseFormula } from "./neutralise-formula.ts";
import type { CliIO } from "./io.ts";
import type { CommandContext } from "./command-context.ts";
import { parseAccount } from "./parse-account.ts";

interface ReaidFlags {
  account: number;
  store: string;
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

/** `emi reaid get` and `emi reaid export`: look up REAIDs for support and audits. */
export function registerReaidCommand(program: Command, ctx: CommandContext): void {
  const reaid = program.command("reaid").description("look up REAIDs in the state store");
  reaid
    .command("get <email>")
    .description("print the REAID of an e-mail address (exit code 1 if it has none)")
    .requiredOption("--account <account>", "an account of the integration (owner or sister)", parseAccount)
    .addOption(storeOption())
    .action(async (email: string, flags: ReaidFlags) => {
      const store = await openStore(flags.store, { cwd: ctx.io.cwd, existing: true });
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
      "stream every e-mail address and its REAID as CSV (personal data; e-mail cells that a spreadsheet would run as a formula start with ')",
    )
    .requiredOption("--account <account>", "an account of the integration (owner or sister)", parseAccount)
    .addOption(storeOption())
    .action(async (flags: ReaidFlags) => {
      const store = await openStore(flags.store, { cwd: ctx.io.cwd, existing: true });
      try {
        const namespace = await namespaceFor(store, flags.account);
        ctx.io.stderr.write(
          "warning: this export contains e-mail addresses, which are personal data: keep it only as long as needed, share it only with who may see it, and delete it afterwards\n",
        );
        await write(ctx.io.stdout, "email,reaid\n");
        let rows: string[][] = [];
        for await (const pair of store.exportReaids(namespace)) {
          // A REAID is URL-safe ([A-Za-z0-9_-], generated or adopted), so it cannot carry a formula, and it
          // must stay exact for whoever joins on it: only the e-mail cell is neutralised.
          rows.push([neutraliseFormula(pair.emailHash), pair.reaid]);
          if (rows.length === ROWS_PER_WRITE) {
            await write(ctx.io.stdout, stringify(rows));
            rows = [];
          }
        }
        if (rows.length > 0) await write(ctx.io.stdout, stringify(rows));
      } finally {
        await store.close();
      }
    });
}
