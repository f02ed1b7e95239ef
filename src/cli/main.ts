import { Command, CommanderError } from "commander";
import { EmiError } from "../types/errors.ts";
import { registerApplyCommand } from "./apply-command.ts";
import { registerDemoCommand } from "./demo-command.ts";
import { registerDriftCommand } from "./drift-command.ts";
import { ExitCode } from "./exit-codes.ts";
import { type CliIO, processIO } from "./io.ts";
import { registerPlanCommand } from "./plan-command.ts";
import { registerReaidCommand } from "./reaid-command.ts";
import { registerSandboxCommand } from "./sandbox-command.ts";
import { registerStateCommand } from "./state-command.ts";
import { registerSyncCommand } from "./sync-command.ts";
import { registerValidateCommand } from "./validate-command.ts";

/** Shared by every command: where output goes, and the exit code the action decided. */
export interface CommandContext {
  io: CliIO;
  exitCode: number;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command("emi")
    .description(
      "E-mail marketing integrations as code: validate, plan and apply Raptor ↔ Actito integrations.",
    )
    .version("0.1.0")
    .option("--debug", "print stack traces of unexpected errors")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showHelpAfterError("(run emi --help for usage)");
  registerValidateCommand(program, ctx);
  registerPlanCommand(program, ctx);
  registerApplyCommand(program, ctx);
  registerSyncCommand(program, ctx);
  registerDriftCommand(program, ctx);
  registerStateCommand(program, ctx);
  registerReaidCommand(program, ctx);
  registerSandboxCommand(program, ctx);
  registerDemoCommand(program, ctx);
  return program;
}

/** Runs emi with `argv` (as process.argv: node, script, args…) and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.ok };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? 0 : ExitCode.usage;
    }
    if (error instanceof EmiError) {
      io.stderr.write(`error: ${error.message}\n`);
      return ExitCode.error;
    }
    const debug = argv.includes("--debug");
    io.stderr.write(
      `error: this is a bug in emi: ${error instanceof Error ? error.message : String(error)}\n` +
        (debug && error instanceof Error && error.stack
          ? `${error.stack}\n`
          : "(run with --debug for the stack)\n"),
    );
    return ExitCode.error;
  }
}
