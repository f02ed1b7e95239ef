/** Why a person's REAID is erased: asked (`emi reaid forget`) or gone from the table (retention). */
export type ErasureReason = "request" | "retention";

/** The store as erasure needs it (SQL in src/store/sql-erasures.ts). */
export interface ErasureStore {
  /**
   * Removes these REAIDs from the namespace (the addresses later get new ones) and, in the same
   * transaction, records how many were erased, when and why: no address, no hash.
   */
  eraseReaids(
    namespace: string,
    reaids: readonly string[],
    reason: ErasureReason,
    account: number,
  ): Promise<number>;
  listErasures(account: number): Promise<{ reason: string; erased: number; erasedAt: string }[]>;
  /** Records that a full read saw these address hashes in the table at `at` (retention). */
  markSeen(namespace: string, hashes: readonly string[], at: string): Promise<void>;
  /** REAIDs whose address no full read has seen since `before` (ISO time). */
  unseenReaids(namespace: string, before: string): Promise<string[]>;
}
