import type { SyncCheckpoint } from "../store/store-records.ts";
import { EmiError } from "../types/errors.ts";
import type { RunState } from "./sync-run-state.ts";

/** The checkpoint format this emi reads and writes. */
const RUN_STATE_KIND = "emi-sync-run/1";

/**
 * A running sync's checkpoint that this emi cannot read: written by another version of emi (or
 * damaged). Never resumed by guesswork: the message says what to do.
 */
export class CheckpointFormatError extends EmiError {}

type Check = (value: unknown) => boolean;
type Shape = Record<string, { check: Check; optional?: true }>;

const isNumber: Check = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isString: Check = (v) => typeof v === "string";
const isBoolean: Check = (v) => typeof v === "boolean";
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const counts: Check = (v) =>
  isRecord(v) && ["seen", "written", "skipped", "rejected"].every((k) => isNumber(v[k]));

const talliesShape: Shape = {
  counts: { check: counts },
  withoutEmail: { check: isNumber },
  toWrite: { check: isNumber },
  emails: { check: isNumber },
  duplicates: { check: isNumber, optional: true },
  ownership: { check: isRecord, optional: true },
};

const inFlightShape: Shape = {
  reservation: { check: isString },
  startCursor: { check: orNull(isString) },
  endCursor: { check: orNull(isString) },
  listingDone: { check: isBoolean },
  complete: { check: isBoolean },
  rows: { check: isNumber },
  id: { check: orNull(isString) },
  startedAt: { check: isString },
  completedAt: { check: orNull(isString) },
};

const runStateShape: Shape = {
  full: { check: isBoolean },
  updatedSince: { check: orNull(isString) },
  nextWatermark: { check: isString },
  listingDone: { check: isBoolean },
  ...talliesShape,
  reaidsBefore: { check: isNumber },
  imports: { check: isNumber },
  inFlight: { check: (v) => v === null || fits(v, inFlightShape) },
  chunkBase: { check: (v) => fits(v, talliesShape) },
  ownership: { check: isRecord, optional: true },
  lastRejection: { check: isString, optional: true },
  importsEndedAt: { check: isString, optional: true },
  calls: { check: isRecord, optional: true },
};

function mismatch(value: unknown, shape: Shape): string | null {
  if (!isRecord(value)) return "not an object";
  for (const [field, { check, optional }] of Object.entries(shape)) {
    if (!(field in value) || value[field] === undefined) {
      if (optional) continue;
      return `${field} is missing`;
    }
    if (!check(value[field])) return `${field} has the wrong type`;
  }
  return null;
}

function fits(value: unknown, shape: Shape): boolean {
  return mismatch(value, shape) === null;
}

/**
 * Reads the `data` of a running sync's checkpoint, checking every field this emi relies on (fields
 * added by a later emi of the same format are kept, unread). The format is versioned by `kind`;
 * fields are only ever added within one kind, optional when added late.
 * @throws CheckpointFormatError for another kind or a field of the wrong type.
 */
export function decodeRunState(data: unknown, account: number): RunState {
  const advice =
    "finish that run with the emi that started it, or start over with `emi sync --full` (nothing is lost: the whole table is read again)";
  const kind = isRecord(data) ? data.kind : undefined;
  if (kind !== RUN_STATE_KIND) {
    throw new CheckpointFormatError(
      `the sync checkpoint of account ${account} has format ${typeof kind === "string" ? kind : "(none)"}, ` +
        `which this emi (${RUN_STATE_KIND}) does not read: ${advice}`,
    );
  }
  const problem = mismatch(data, runStateShape);
  if (problem !== null) {
    throw new CheckpointFormatError(
      `the sync checkpoint of account ${account} cannot be read (${problem}): ${advice}`,
    );
  }
  return data as unknown as RunState;
}

/**
 * The run a checkpoint describes, or null when none is under way. A running checkpoint this emi
 * cannot read stops the sync with CheckpointFormatError, except on `--full` (`full`), which starts
 * over: it reads the whole table again, so nothing the other run left is lost.
 */
export function runStateOf(
  checkpoint: SyncCheckpoint | null,
  account: number,
  full: boolean,
): RunState | null {
  if (checkpoint?.phase !== "running") return null;
  try {
    return decodeRunState(checkpoint.data, account);
  } catch (error) {
    if (full && error instanceof CheckpointFormatError) return null;
    throw error;
  }
}
