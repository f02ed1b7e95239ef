/** One profile waiting for its REAID because Actito told us it was created or its e-mail changed. */
export interface InboxEvent {
  account: number;
  profileId: string;
  eventType: string;
  /** Grows with every event for the same profile: a processor removes only the version it handled. */
  seq: number;
  /** When the latest event for this profile arrived (ISO). */
  receivedAt: string;
}

/** The store role of the webhook endpoint and the inbox processor (src/store/webhook-inbox-sql.ts). */
export interface WebhookInboxStore {
  /** Adds events in one transaction; a profile already waiting keeps one row (its seq grows). */
  addInboxEvents(
    account: number,
    events: readonly { profileId: string; eventType: string }[],
    at: string,
  ): Promise<void>;
  /** Accounts with events waiting, oldest event first. */
  accountsWithInbox(): Promise<number[]>;
  /** Up to `limit` waiting events of an account, oldest first. */
  peekInbox(account: number, limit: number): Promise<InboxEvent[]>;
  /** Removes handled events, unless a newer event for the same profile arrived meanwhile. */
  removeInboxEvents(events: readonly InboxEvent[]): Promise<void>;
  /** Removes an account's events received before `at` (a sync that started at `at` covered them). */
  removeInboxEventsBefore(account: number, at: string): Promise<number>;
  countInbox(): Promise<number>;
  /** Events of one account still waiting. */
  countInboxOf(account: number): Promise<number>;

  /** Stores the hash of an account's webhook shared secret (replacing the previous one). */
  putWebhookSecret(account: number, secretHash: string, secretRef: string, at: string): Promise<void>;
  /** Hashes of the secrets accepted at `at`: the current one and, for a few minutes, the one it replaced. */
  webhookSecretHashes(account: number, at: string): Promise<string[]>;
  /** Accounts with realtime webhooks set up by apply, and the key reference that did it. */
  realtimeAccounts(): Promise<Map<number, { secretRef: string; secretHash: string }>>;
  deleteWebhookSecret(account: number): Promise<void>;
}
