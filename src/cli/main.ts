import { Command, CommanderError } from "commander";
import { terminalSafe } from "../plan/terminal-safe.ts";
import { EmiError } from "../types/errors.ts";
import { checkActitoUrl } from "./check-actito-url.ts";
import { describeOperationalError } from "../store/describe-operational-error.ts";
import type { CommandContext, RegisterCommand } from "./command-context.ts";
import { ExitCode } from "./exit-codes.ts";
import { type CliIO, processIO } from "./io.ts";

/**
 * Each command's module, loaded only when that command runs: `emi validate` then never loads the
 * store, the Actito client or octokit, which halves its start-up (bench/README.md).
 */
const commands: Record<string, () => Promise<RegisterCommand[]>> = {
  validate: async () => [(await import("./validate-command.ts")).registerValidateCommand],
  plan: async () => [(await import("./plan-command.ts")).registerPlanCommand],
  apply: async () => [(await import("./apply-command.ts")).registerApplyCommand],
  sync: async () => [(await import("./sync-command.ts")).registerSyncCommand],
  drift: async () => [(await import("./drift-command.ts")).registerDriftCommand],
  state: async () => [(await import("./state-command.ts")).registerStateCommand],
  unlock: async () => [(await import("./state-command.ts")).registerStateCommand],
  reaid: async () => [(await import("./reaid-command.ts")).registerReaidCommand],
  sandbox: async () => [(await import("./sandbox-command.ts")).registerSandboxCommand],
  demo: async () => [(await import("./demo-command.ts")).registerDemoCommand],
  serve: async () => [(await import("./serve-command.ts")).registerServeCommand],
  "api-key": async () => [(await import("./api-key-command.ts")).registerApiKeyCommand],
  secret: async () => [(await import("./secret-command.ts")).registerSecretCommand],
  store: async () => [(await import("./store-command.ts")).registerStoreCommand],
  init: async () => [(await import("./init-command.ts")).registerInitCommand],
  // Every command, so the script knows them all.
  completion: async () => [
    ...(await everyCommand()),
    (await import("./completion-command.ts")).registerCompletionCommand,
  ],
  links: async () => [(await import("./links-command.ts")).registerLinksCommand],
};

/** The register functions of every command but `completion`, each once. */
async function everyCommand(): Promise<RegisterCommand[]> {
  const loaders = new Set(
    Object.entries(commands).flatMap(([name, load]) => (name === "completion" ? [] : [load])),
  );
  return [...new Set((await Promise.all([...loaders].map((load) => load()))).flat())];
}

/** Commands that talk to Actito: `EMI_ACTITO_URL` is checked before they start. */
const actitoCommands = new Set(["plan", "apply", "sync", "drift", "links"]);

/**
 * Commands whose contract gives exit code 2 a meaning other than "usage error" (changes, drift) or
 * gives them only 0 and 1 (docs/reference/commands.md, "Exit codes"): a bad flag there exits 1, so `emi drift --formt
 * json` in a scheduled job is not read as drift. `validate` and the rest keep 2 for usage errors.
 */
const usageIsError = new Set(["plan", "apply", "sync", "drift", "demo"]);

/** The command named in argv, skipping global options; undefined for `emi`, `emi --help`, typos. */
function commandIn(argv: string[]): string | undefined {
  const name = argv.slice(2).find((arg) => !arg.startsWith("-"));
  return name !== undefined && Object.hasOwn(commands, name) ? name : undefined;
}

function isHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** Builds the program with the named command only, or with every command (help, unknown command). */
export async function buildProgram(ctx: CommandContext, only?: string): Promise<Command> {
  const program = new Command("emi")
    .description(
      "E-mail marketing integrations as code: validate, plan and apply Raptor ↔ Actito integrations.",
    )
    // Answered by main() before the program is built (the text may ask git): listed here for --help.
    .option("-V, --version", "print emi's version, the commit it was built from and Node's version")
    .option("--debug", "print stack traces of unexpected errors")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(terminalSafe(s)),
      writeErr: (s) => ctx.io.stderr.write(terminalSafe(s)),
    })
    .showHelpAfterError("(run emi --help for usage)");
  const loaders = only ? [commands[only]!] : [...new Set(Object.values(commands))];
  const registered = new Set<RegisterCommand>();
  for (const load of loaders) {
    for (const register of await load()) {
      if (registered.has(register)) continue;
      registered.add(register);
      register(program, ctx);
    }
  }
  return program;
}

/** Runs emi with `argv` (as process.argv: node, script, args…) and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.ok };
  const name = commandIn(argv);
  if (name === undefined && argv.slice(2).some((arg) => arg === "--version" || arg === "-V")) {
    io.stdout.write(`${(await import("./version-text.ts")).versionText()}\n`);
    return 0;
  }
  try {
    const program = await buildProgram(ctx, name);
    if (name !== undefined && actitoCommands.has(name) && !isHelp(argv)) checkActitoUrl(io.env);
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      if (error.exitCode === 0) return 0;
      return name !== undefined && usageIsError.has(name) ? ExitCode.error : ExitCode.usage;
    }
    if (error instanceof EmiError) {
      io.stderr.write(terminalSafe(`error: ${error.message}\n`));
      return ExitCode.error;
    }
    const debug = argv.includes("--debug");
    const operational = describeOperationalError(error);
    if (operational !== undefined) {
      io.stderr.write(terminalSafe(`error: ${operational}\n`));
      if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
      return ExitCode.error;
    }
    io.stderr.write(
      terminalSafe(
        `error: this is a bug in emi: ${error instanceof Error ? error.message : String(error)}\n` +
          (debug && error instanceof Error && error.stack
            ? `${error.stack}\n`
            : "(run with --debug for the stack)\n"),
      ),
    );
    return ExitCode.error;
  }
}
