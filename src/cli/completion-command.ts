import { Argument, type Command } from "commander";
import type { CommandContext } from "./command-context.ts";
import { type CompletionShell, completionScript, completionShells } from "./completion-script.ts";

/**
 * `emi completion bash|zsh|fish`: prints a completion script of every command, subcommand and long
 * option. Its loader in main.ts registers every command first, so the parent program has them all.
 */
export function registerCompletionCommand(program: Command, ctx: CommandContext): void {
  program
    .command("completion")
    .description("print a shell completion script: emi completion bash|zsh|fish")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(completionShells))
    .action((shell: CompletionShell) => {
      ctx.io.stdout.write(completionScript(program, shell));
    });
}
