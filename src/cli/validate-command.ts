import { open } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { terminalSafe } from "../plan/terminal-safe.ts";
import { DirectoryNotFoundError } from "../config/directory-not-found-error.ts";
import { maxDeclarationBytes } from "../config/parse-declaration.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import { dirOption, formatOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CommandContext } from "./command-context.ts";
import { renderDiagnosticsGithub } from "../github/render-diagnostics-github.ts";
import { renderDiagnosticsJson } from "./render-diagnostics-json.ts";
import { renderDiagnosticsSarif } from "./render-diagnostics-sarif.ts";
import { renderDiagnosticsText } from "./render-diagnostics-text.ts";
import { useColor } from "./use-color.ts";
import { packageVersion } from "./version-text.ts";

const formats = ["text", "json", "github", "sarif"] as const;
type ValidateFormat = (typeof formats)[number];

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads the text of the files that have diagnostics, for excerpts; skips what cannot be shown. */
async function sourcesOf(diagnostics: readonly Diagnostic[], cwd: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const file of new Set(diagnostics.map((d) => d.file))) {
    try {
      const handle = await open(resolve(cwd, file), "r");
      try {
        if ((await handle.stat()).size <= maxDeclarationBytes) {
          sources.set(file, strictUtf8.decode(await handle.readFile()));
        }
      } finally {
        await handle.close();
      }
    } catch {
      // Unreadable or not UTF-8: the diagnostic is printed without an excerpt.
    }
  }
  return sources;
}

/** `emi validate`: load, schema and cross-file rules, offline. Exit 0 valid, 1 errors, 2 usage error. */
export function registerValidateCommand(program: Command, ctx: CommandContext): void {
  program
    .command("validate")
    .description("check the declarations offline: YAML, schema and the cross-file rules")
    .addOption(dirOption())
    .addOption(formatOption([...formats]))
    .action(async (options: { dir: string; format: ValidateFormat }) => {
      const { io } = ctx;
      let result: Awaited<ReturnType<typeof validateDirectory>>;
      try {
        result = await validateDirectory(options.dir, { cwd: io.cwd });
      } catch (error) {
        if (!(error instanceof DirectoryNotFoundError)) throw error;
        io.stderr.write(terminalSafe(`error: ${error.message}\n`));
        ctx.exitCode = ExitCode.usage;
        return;
      }
      switch (options.format) {
        case "json":
          io.stdout.write(renderDiagnosticsJson(result));
          break;
        case "github":
          io.stdout.write(renderDiagnosticsGithub(result));
          break;
        case "sarif":
          io.stdout.write(renderDiagnosticsSarif(result, packageVersion()));
          break;
        default: {
          const terminal = io.stdout.isTTY === true;
          const sources = terminal ? await sourcesOf(result.diagnostics, io.cwd) : undefined;
          const color = useColor(io.stdout, io.env);
          io.stdout.write(renderDiagnosticsText(result, { sources, color }));
        }
      }
      ctx.exitCode = result.diagnostics.some((d) => d.severity === "error") ? ExitCode.error : ExitCode.ok;
    });
}
