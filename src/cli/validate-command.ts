import type { Command } from "commander";
import type { CommandContext } from "./main.ts";

// Placeholder until its issue lands: registers nothing.
export function registerValidateCommand(_program: Command, _ctx: CommandContext): void {}
