/**
 * The `formatVersion` of each JSON output of the CLI that has no version of its own elsewhere (the
 * plan's is PLAN_FORMAT_VERSION, drift's is in detect-drift.ts). Raised by one, in the same commit,
 * when the shape changes incompatibly (docs/json-outputs.md); each has a JSON Schema under
 * schemas/output/ that test/cli/json-outputs.test.ts checks real output against.
 */
export const OutputFormatVersion = {
  /** `emi validate --format json`. */
  validate: 1,
  /** `emi apply --format json` (`{ plan, result }`; the plan inside carries its own version). */
  apply: 1,
  /** `emi state show --format json`. */
  stateShow: 1,
  /** `emi api-key list --format json`. */
  apiKeyList: 1,
  /** Each line of `emi sync --format json`: the events, then the summary. */
  syncEvents: 1,
  /** Each line of `emi sync --watch --format json`. */
  syncWatch: 1,
} as const;
