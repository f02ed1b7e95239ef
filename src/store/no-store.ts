import { StoreError } from "./errors.ts";

/** The error of a read-only command pointed at a store that does not exist: what to do next. */
export function noStore(where: string): StoreError {
  return new StoreError(
    "no-store",
    `no store at ${where}: nothing has been applied with this store yet (run emi apply first), or check --store / EMI_STORE`,
  );
}
