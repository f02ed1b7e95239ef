/** Exit codes shared by every command (docs/reference/commands.md, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** Invalid declarations, failed apply, operational error. */
  error: 1,
  /** `plan --detailed-exitcode` with changes, `drift` with drift, or a usage error for `validate`. */
  changes: 2,
  usage: 2,
} as const;
