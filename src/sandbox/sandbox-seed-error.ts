import { EmiError } from "../types/errors.ts";

/** A seed that does not describe a usable sandbox; `problems` lists every reason at once. */
export class SandboxSeedError extends EmiError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid sandbox seed ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`, options);
  }
}
