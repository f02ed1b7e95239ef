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

/**
 * The webhook inbox (migration 5; SQL in webhook-inbox-sql.ts): filled by `emi serve`'s webhook
 * route, emptied by its inbox worker and by `emi sync --watch`.
 */
export interface WebhookInbox {
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
  /** Events waiting, per account with any. */
  countInboxByAccount(): Promise<Map<number, number>>;
}
