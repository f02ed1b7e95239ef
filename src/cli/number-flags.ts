import { InvalidArgumentError } from "commander";

/** A commander parser for a whole number of at least `min` (`--concurrency 0`, `--interval abc` are usage errors). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(
        max < Number.MAX_SAFE_INTEGER
          ? `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`
          : `expected a whole number of at least ${min}, got ${JSON.stringify(value)}`,
      );
    }
    return parsed;
  };
}

/** A commander parser for a number greater than 0, fractions allowed (`--full-every 0.5`). */
export function positiveNumber(value: string): number {
  const parsed = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed > 0) || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`expected a number greater than 0, got ${JSON.stringify(value)}`);
  }
  return parsed;
}
