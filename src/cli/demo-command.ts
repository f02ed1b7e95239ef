import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { syncLabelWidth } from "../apply/format-sync-event.ts";
import { formatOutcomeLine, renderApplySummary } from "../apply/render-apply-text.ts";
import { runPlanAndApply } from "../apply/run-plan-and-apply.ts";
import { applySucceeded } from "../apply/apply-types.ts";
import { loadSeedFile } from "../sandbox/load-seed.ts";
import { startSandbox } from "../sandbox/start-sandbox.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";
import { formatCount } from "../plan/describe-change.ts";
import { openStore } from "../store/open-store.ts";
import type { RegistryEntry } from "../store/store.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CommandContext } from "./command-context.ts";
import { ignoreDemoFolder } from "./ignore-demo-folder.ts";
import { printPlan } from "./print-plan.ts";
import { syncProgress } from "./sync-progress.ts";

/**
 * The demo's own example declarations and sandbox data, shipped in the package (examples/): never
 * the current repository's integrations/, which may use keys the sandbox does not have.
 */
const exampleDeclarations = fileURLToPath(new URL("../../examples/integrations/", import.meta.url));
const exampleSeed = fileURLToPath(new URL("../../examples/sandbox-seed.yaml", import.meta.url));

/**
 * `emi demo`: the sandbox with its default data, an embedded store in a temporary folder (or
 * `--keep DIR`), the example declarations, then plan, apply and sync, and where to look next.
 * Needs nothing but `npm ci`. The sandbox keys it puts in the environment are never printed.
 */
export function registerDemoCommand(program: Command, ctx: CommandContext): void {
  program
    .command("demo")
    .description(
      "run the whole job against a local Actito sandbox: plan, apply and REAID sync of the examples",
    )
    .option("--keep <dir>", "keep the demo's store and declarations in this folder to explore afterwards")
    .action(async (flags: { keep?: string }) => {
      const { io } = ctx;
      const started = Date.now();
      const dir = flags.keep ? resolve(io.cwd, flags.keep) : await mkdtemp(join(tmpdir(), "emi-demo-"));
      await mkdir(join(dir, "integrations"), { recursive: true });
      await cp(exampleDeclarations, join(dir, "integrations"), { recursive: true });
      if (flags.keep) {
        const ignored = ignoreDemoFolder(dir);
        if (ignored) {
          io.stderr.write(
            terminalSafe(
              `warning: ${flags.keep} is inside a git repository and holds the demo's store: added ${ignored.line} to ${ignored.gitignore} so it is never committed\n`,
            ),
          );
        }
      }
      const storeUrl = `sqlite:${join(dir, "state.db")}`;
      const seed = await loadSeedFile(exampleSeed);
      const sandbox = await startSandbox({ seed, port: 0 });
      const env: Record<string, string | undefined> = { ...io.env, EMI_ACTITO_URL: sandbox.url };
      for (const licence of seed.licences) {
        env[`ACTITO_KEY_${licence.name.toUpperCase()}`] = licence.apiKeys[0];
      }
      const store = await openStore(storeUrl);
      const out = (line: string) => io.stdout.write(terminalSafe(`${line}\n`));
      out(`emi demo: Actito sandbox at ${sandbox.url}, store ${storeUrl}`);
      out(`Declarations: ${join(dir, "integrations")} (copies of emi's examples)\n`);
      const progress = syncProgress(io, "text", { intervalMs: 2000 });
      let succeeded = true;
      try {
        const { result } = await runPlanAndApply({
          dir: "integrations",
          store,
          env,
          cwd: dir,
          repo: "emi-demo/integrations",
          confirm: "yes",
          onPlan: (created) => printPlan(io, created, "text"),
          onEvent: (event) => {
            if (event.type === "outcome") out(formatOutcomeLine(event.outcome));
            else if (event.type === "sync") progress.onEvent(event.event);
          },
        });
        progress.stop();
        if (result) {
          out("");
          out(renderApplySummary(result));
          succeeded = applySucceeded(result);
        }
        out("");
        for (const entry of await store.listIntegrations()) out(describeEntry(entry));
        const stats = sandbox.stats();
        const imports = Object.values(stats.tables).reduce((n, t) => n + t.importsSubmitted, 0);
        const calls = Object.values(stats.licences).reduce((n, l) => n + l.calls, 0);
        out(
          `\nThe sandbox saw ${formatCount(calls)} API calls and ${formatCount(imports)} mass imports in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
      } finally {
        progress.stop();
        await store.close();
        await sandbox.close();
      }
      out("\nWhere to look next:");
      if (flags.keep) {
        const store = shellWord(storeUrl);
        out(`  npx emi state show --store ${store}`);
        out(`  npx emi reaid get user-1@nordlys.example --account 1042 --store ${store}`);
        out(
          `  npx emi plan --dir ${shellWord(join(dir, "integrations"))} --store ${store} --repo emi-demo/integrations`,
        );
      } else {
        out("  npx emi demo --keep ./emi-demo   keeps the store and declarations to explore, e.g.");
        out("  npx emi state show --store sqlite:./emi-demo/state.db");
        out("  integrations/*.yaml              the declarations this demo applied");
        await rm(dir, { recursive: true, force: true });
      }
      ctx.exitCode = succeeded ? ExitCode.ok : ExitCode.error;
    });
}

/**
 * `1050 boreal/members      active · sync in sync (note) · 1,500 seen, 1,491 written, 9 skipped, 0 rejected`,
 * in the same columns as the apply and sync lines above it.
 */
export function describeEntry(entry: RegistryEntry): string {
  const s = entry.sync;
  const n = formatCount;
  const label = `${entry.account} ${entry.entity}/${entry.profileTable ?? "?"}`.padEnd(syncLabelWidth);
  return (
    `${label} ${entry.status} · ${entry.emailSync ? `sync ${s.health}` : "sync off"}${s.reason ? ` (${s.reason})` : ""} · ` +
    `${n(s.counts.seen)} seen, ${n(s.counts.written)} written, ${n(s.counts.skipped)} skipped, ${n(s.counts.rejected)} rejected`
  );
}

/** A word a POSIX shell reads back as is: quoted only when it holds something the shell would interpret. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
