import type { Command } from "commander";
import { readAgeIdentities } from "../config/age-identities.ts";
import {
  checkedRecipients,
  encryptArmored,
  rekeySecretFiles,
  SecretFileError,
  writeSecretFile,
} from "../config/age-secret-files.ts";
import { loadRepoConfig, repoRootOf } from "../config/load-repo-config.ts";
import { dirOption } from "./common-options.ts";
import type { CliIO } from "./io.ts";
import type { CommandContext } from "./command-context.ts";
import { parseAccount } from "./parse-account.ts";

interface RecipientFlags {
  dir: string;
  recipient?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The recipients: `--recipient` when given, else emi.config.yaml's `ageRecipients`. */
async function recipientsFor(
  io: CliIO,
  flags: RecipientFlags,
): Promise<{ root: string; recipients: string[] }> {
  const repository = await loadRepoConfig(repoRootOf(flags.dir, io.cwd), { cwd: io.cwd });
  if (flags.recipient && flags.recipient.length > 0) {
    return { root: repository.root, recipients: await checkedRecipients(flags.recipient, "--recipient") };
  }
  const broken = repository.diagnostics.find((d) => d.severity === "error");
  if (broken) {
    throw new SecretFileError(
      `${broken.file}:${broken.line}:${broken.column} ${broken.message}: fix it (npx emi validate shows every problem) or pass --recipient`,
    );
  }
  return {
    root: repository.root,
    recipients: await checkedRecipients(
      repository.config.ageRecipients,
      `ageRecipients in ${repository.file}`,
    ),
  };
}

/** The key as typed or piped: one trailing newline removed, nothing else (an empty key is refused). */
export function keyFromInput(input: string): string {
  return input.replace(/\r?\n$/, "");
}

/** `emi secret encrypt` and `emi secret rekey`: API keys as age files in the repository. */
export function registerSecretCommand(program: Command, ctx: CommandContext): void {
  const secret = program
    .command("secret")
    .description("API keys encrypted with age in the repository (secretRef: age:secrets/<account>.age)");

  secret
    .command("encrypt")
    .description("read an API key from stdin and write it encrypted to secrets/<account>.age")
    .requiredOption("--account <account>", "the account whose key this is", parseAccount)
    .option(
      "--recipient <age1…>",
      "encrypt to this public key instead of ageRecipients (repeatable)",
      collect,
    )
    .option("--force", "replace an existing secrets/<account>.age")
    .addOption(dirOption())
    .action(async (flags: RecipientFlags & { account: number; force?: boolean }) => {
      const { io } = ctx;
      const { root, recipients } = await recipientsFor(io, flags);
      if (!io.secretInput) throw new SecretFileError("no stdin to read the key from");
      const key = keyFromInput(
        await io.secretInput(`Actito API key for account ${flags.account} (not shown): `),
      );
      if (key.trim() === "") {
        throw new SecretFileError(
          'no key on stdin: pipe it in (printf %s "$KEY" | npx emi secret encrypt --account N) or type it when asked',
        );
      }
      const written = await writeSecretFile(
        root,
        flags.account,
        await encryptArmored(key, recipients),
        flags.force === true,
      );
      io.stderr.write(
        `Wrote ${written}, encrypted to ${recipients.length} recipient${recipients.length === 1 ? "" : "s"}. Commit it, and write in ${flags.dir}/${flags.account}.yaml:\n`,
      );
      io.stdout.write(`apiKey: { secretRef: age:${written} }\n`);
    });

  secret
    .command("rekey")
    .description("re-encrypt every secrets/*.age to the current recipients (needs EMI_AGE_IDENTITY)")
    .option(
      "--recipient <age1…>",
      "encrypt to this public key instead of ageRecipients (repeatable)",
      collect,
    )
    .addOption(dirOption())
    .action(async (flags: RecipientFlags) => {
      const { io } = ctx;
      const { root, recipients } = await recipientsFor(io, flags);
      const files = await rekeySecretFiles(root, await readAgeIdentities(io.env, io.cwd), recipients);
      io.stdout.write(
        files.length === 0
          ? "No secrets/*.age files to re-encrypt.\n"
          : `Re-encrypted ${files.length} file${files.length === 1 ? "" : "s"} to ${recipients.length} recipient${recipients.length === 1 ? "" : "s"}: ${files.join(", ")}\n`,
      );
    });
}
