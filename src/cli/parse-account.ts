import { InvalidArgumentError } from "commander";

/** `--account A`: a Raptor account id. */
export function parseAccount(value: string): number {
  const account = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(account) || account <= 0) {
    throw new InvalidArgumentError("an account is a positive whole number, e.g. 1042");
  }
  return account;
}
