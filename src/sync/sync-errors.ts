import { EmiError } from "../types/errors.ts";

/**
 * The table cannot be synced as it stands (no REAID attribute, no e-mail attribute, table not
 * found): a person or `emi apply` has to act first. Never carries a secret.
 */
export class SyncTargetError extends EmiError {}
