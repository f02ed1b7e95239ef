import { type Command, InvalidArgumentError, Option } from "commander";
import type { ApiKeyScope, ApiKeyStore, ListedApiKey } from "../serve/api-key-store.ts";
import { createApiKey } from "../serve/manage-api-keys.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import { formatOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CommandContext } from "./command-context.ts";
import { parseAccount } from "./parse-account.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

interface CreateFlags {
  account: number;
  name?: string;
  scope: ApiKeyScope;
  store: string;
}

function parseName(value: string): string {
  const name = value.trim();
  if (name === "" || name.length > 100 || /[\p{Cc}]/u.test(name)) {
    throw new InvalidArgumentError("a key name is 1 to 100 printable characters, e.g. shop-backend");
  }
  return name;
}

async function withStore<T>(url: string, cwd: string, fn: (store: Store, keys: ApiKeyStore) => Promise<T>) {
  // Never creates a store: a key needs an integration, which only apply writes.
  // Service keys identify no address: no store key needed.
  const store = await openStore(url, { cwd, existing: true, keys: { need: "optional" } });
  try {
    return await fn(store, store);
  } finally {
    await store.close();
  }
}

function renderText(keys: ListedApiKey[]): string {
  if (keys.length === 0) return "no service keys (make one with: emi api-key create --account <account>)\n";
  const rows = [
    ["ID", "ACCOUNT", "INTEGRATION", "NAME", "SCOPE", "CREATED", "LAST USED", "STATE"],
    ...keys.map((k) => [
      k.id,
      String(k.account),
      integrationOf(k),
      k.name ?? "-",
      k.scope,
      k.createdAt,
      k.lastUsedAt ?? "never",
      k.state === "revoked" ? `revoked ${k.revokedAt ?? ""}`.trimEnd() : "active",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

// The integration a key is bound to: its stable id and the account that owns it now.
function integrationOf(key: ListedApiKey): string {
  if (key.integrationId === null) return "-";
  return key.integrationOwner === null ? key.integrationId : `${key.integrationOwner} (${key.integrationId})`;
}

/** `emi api-key create|list|revoke`: keys for `emi serve`, stored as hashes only. */
export function registerApiKeyCommand(program: Command, ctx: CommandContext): void {
  const apiKey = program.command("api-key").description("manage the service keys of emi serve");
  apiKey
    .command("create")
    .description("make a service key for an integration and print it once")
    .requiredOption("--account <account>", "an account of the integration (owner or sister)", parseAccount)
    .option("--name <label>", "what the key is for, e.g. shop-backend", parseName)
    .addOption(
      new Option("--scope <scope>", "reaid: POST /GetOrCreate; lookup: also GET /reaids/{reaId}")
        .choices(["reaid", "lookup"])
        .default("reaid"),
    )
    .addOption(storeOption())
    .action(async (flags: CreateFlags) => {
      await withStore(flags.store, ctx.io.cwd, async (_, keys) => {
        const { key, record } = await createApiKey(keys, {
          account: flags.account,
          name: flags.name ?? null,
          scope: flags.scope,
          now: new Date().toISOString(),
        });
        ctx.io.stdout.write(`${key}\n`);
        ctx.io.stderr.write(
          `created service key ${record.id} for account ${record.account} (scope ${record.scope}, ` +
            `integration ${record.integrationId}); it stops working if the account leaves that integration; ` +
            "the key is shown only this once: keep it in a secret store\n",
        );
      });
    });
  apiKey
    .command("list")
    .description("list service keys (never the keys themselves)")
    .addOption(formatOption(["text", "json"]))
    .addOption(storeOption())
    .action(async (flags: { format: string; store: string }) => {
      const list = await withStore(flags.store, ctx.io.cwd, (_, keys) => keys.listApiKeys());
      ctx.io.stdout.write(
        flags.format === "json"
          ? `${JSON.stringify({ formatVersion: OutputFormatVersion.apiKeyList, keys: list }, null, 2)}\n`
          : renderText(list),
      );
    });
  apiKey
    .command("revoke <id>")
    .description("revoke a service key at once (emi serve answers 401 to it)")
    .addOption(storeOption())
    .action(async (id: string, flags: { store: string }) => {
      const found = await withStore(flags.store, ctx.io.cwd, (_, keys) =>
        keys.revokeApiKey(id, new Date().toISOString()),
      );
      if (!found) {
        ctx.io.stderr.write(`error: no service key with id ${JSON.stringify(id)} (see emi api-key list)\n`);
        ctx.exitCode = ExitCode.error;
        return;
      }
      ctx.io.stderr.write(`revoked service key ${id}\n`);
    });
}
