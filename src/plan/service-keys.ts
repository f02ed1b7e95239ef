/** A service key that works now: not revoked, and bound to the integration holding its account. */
export interface WorkingServiceKey {
  id: string;
  account: number;
  /** The owner account of the integration the key is bound to. */
  owner: number;
}

/**
 * The service keys as plan and apply see them (a role of `Store`, SQL in src/store/api-key-sql.ts).
 * A key is bound to the stable id of the integration that held its account when it was made; plan
 * lists the keys a change will revoke, and apply revokes them before the change is committed.
 */
export interface ServiceKeys {
  /** The working keys of `accounts`, oldest first. */
  workingServiceKeys(accounts: readonly number[]): Promise<WorkingServiceKey[]>;
  /**
   * Revokes, for good, the keys of `accounts` bound to the integration `owner` holds now (every key
   * of that integration when `accounts` is null). Idempotent. Returns the ids it revoked.
   */
  revokeServiceKeys(owner: number, accounts: readonly number[] | null, at: string): Promise<string[]>;
}

/** Service keys of one account that a change makes stop working, for good. */
export interface KeyRevocation {
  account: number;
  /** How many of its keys work now (keys made between plan and apply are revoked too). */
  keys: number;
  /** The integration (owner account) the account moves to in this plan; null when it only leaves. */
  movesTo: number | null;
  /** The account's integration is deactivated. */
  deactivated: boolean;
}
