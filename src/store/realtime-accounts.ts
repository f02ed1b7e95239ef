/**
 * The accounts with realtime webhooks and the hashes of their shared secrets (migration 5; SQL in
 * webhook-inbox-sql.ts): written by apply's `ensure-webhooks` step, read by the plan's refresh and
 * by `emi serve`'s webhook route.
 */
export interface RealtimeAccounts {
  /** Stores the hash of an account's webhook shared secret (replacing the previous one). */
  putWebhookSecret(account: number, secretHash: string, secretRef: string, at: string): Promise<void>;
  /** Hashes of the secrets accepted at `at`: the current one and, for a few minutes, the one it replaced. */
  webhookSecretHashes(account: number, at: string): Promise<string[]>;
  /** Accounts with realtime webhooks set up by apply, and the key reference that did it. */
  realtimeAccounts(): Promise<Map<number, { secretRef: string; secretHash: string }>>;
  deleteWebhookSecret(account: number): Promise<void>;
}
