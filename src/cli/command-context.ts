import type { Command } from "commander";
import type { CliIO } from "./io.ts";

/** Shared by every command: where output goes, and the exit code the action decided. */
export interface CommandContext {
  io: CliIO;
  exitCode: number;
}

/** What each command module exports: adds its command to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
