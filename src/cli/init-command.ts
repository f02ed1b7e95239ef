import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { resolveEmiSpec } from "../init/resolve-emi-spec.ts";
import { secretEnvNamesIn } from "../init/render-workflow.ts";
import { existingEmiSpec, mergePackageJson, packageNameFor, scaffoldFiles } from "../init/scaffold-files.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";
import type { CommandContext } from "./command-context.ts";
import { ExitCode } from "./exit-codes.ts";
import { shellWord } from "./demo-command.ts";
import { packageVersion } from "./version-text.ts";

interface InitFlags {
  emiSpec?: string;
  force?: boolean;
}

/** An existing package.json, or undefined when there is none. */
function readManifest(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Not JSON: listed as a file in the way, like any other.
  }
  return undefined;
}

/** The existing package.json's own exact emi pin when it has one, else this emi's version. */
function defaultSpec(manifest: Record<string, unknown> | undefined): string {
  const spec = manifest ? existingEmiSpec(manifest) : undefined;
  if (spec === undefined || /^[\^~<>=*]|^latest$|^x|\.x/.test(spec)) return packageVersion();
  return spec;
}

/** The `secretRef: env:NAME` names of declarations already in `<dir>/integrations/`. */
function declaredSecretEnvNames(dir: string): string[] {
  const folder = join(dir, "integrations");
  if (!existsSync(folder)) return [];
  const texts = readdirSync(folder)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => readFileSync(join(folder, file), "utf8"));
  return secretEnvNamesIn(texts);
}

/**
 * `emi init [dir]`: scaffolds a declarations repository that installs a pinned emi and runs it in
 * GitHub Actions. Never overwrites a file unless --force: it lists the ones in the way and exits 1.
 */
export function registerInitCommand(program: Command, ctx: CommandContext): void {
  program
    .command("init")
    .description(
      "scaffold a declarations repository: integrations/, emi.config.yaml, package.json, workflows",
    )
    .argument("[dir]", "the repository's folder (created if missing)", ".")
    .option(
      "--emi-spec <spec>",
      "how package.json pins emi: an exact version, a tarball path or a git URL with a tag (default: this emi's version)",
    )
    .option("--force", "overwrite files that already exist")
    .action(async (dirArg: string, flags: InitFlags) => {
      const { io } = ctx;
      const dir = resolve(io.cwd, dirArg);
      // A package.json already there (npm install ./emi-….tgz writes one) is kept and given the
      // pin, rather than counted as a file in the way; its own emi pin is the default.
      const manifest = readManifest(join(dir, "package.json"));
      const pin = resolveEmiSpec(flags.emiSpec ?? defaultSpec(manifest), dir, flags.emiSpec ? io.cwd : dir);
      const files = scaffoldFiles({
        name: packageNameFor(basename(dir)),
        emiSpec: pin.spec,
        secretEnvNames: declaredSecretEnvNames(dir),
      });
      if (manifest !== undefined && !flags.force) {
        const index = files.findIndex((file) => file.path === "package.json");
        files[index] = { path: "package.json", content: mergePackageJson(manifest, pin.spec) };
      }
      const merged = manifest !== undefined && !flags.force ? "package.json" : undefined;
      const existing = files.filter((file) => file.path !== merged && existsSync(join(dir, file.path)));
      if (existing.length > 0 && !flags.force) {
        io.stderr.write(
          terminalSafe(
            `error: emi init would overwrite ${existing.length} existing file${existing.length === 1 ? "" : "s"} in ${dir}:\n` +
              existing.map((file) => `  ${file.path}\n`).join("") +
              "Nothing was written. Move them away, or run again with --force to overwrite them.\n",
          ),
        );
        ctx.exitCode = ExitCode.error;
        return;
      }
      for (const file of files) {
        await mkdir(dirname(join(dir, file.path)), { recursive: true });
        await writeFile(join(dir, file.path), file.content);
      }
      const out = (line: string) => io.stdout.write(terminalSafe(`${line}\n`));
      out(`emi init: a declarations repository in ${dir}, pinned to emi ${pin.spec}`);
      for (const file of files) {
        const what = file.path === merged ? "updated  " : existing.includes(file) ? "overwrote" : "created  ";
        out(`  ${what} ${file.path}${file.path === merged ? ` (emi pinned to ${pin.spec})` : ""}`);
      }
      if (pin.warning) io.stderr.write(terminalSafe(`warning: ${pin.warning}\n`));
      const cd = dir === resolve(io.cwd) ? "" : `cd ${shellWord(dirArg)} && `;
      const next: [string, string][] = [
        [
          `${cd}npm install`,
          "installs emi and writes package-lock.json: commit it (the workflows run npm ci)",
        ],
        ["npx emi demo", "the whole job against a local Actito sandbox, in a temporary folder"],
        [
          "npx emi validate",
          "checks integrations/ (empty for now: integrations/README.md says how to add one)",
        ],
        ["emi.config.yaml", "put CI's and a break-glass age public key in ageRecipients"],
        ["repository secrets", "EMI_STORE and EMI_AGE_IDENTITY, for the workflows (emi's docs/ci.md)"],
      ];
      const width = Math.max(...next.map(([what]) => what.length)) + 2;
      out("\nNext:");
      for (const [what, why] of next) out(`  ${what.padEnd(width)}${why}`);
    });
}
