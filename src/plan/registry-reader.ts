import type { RegistryEntry } from "../store/store-records.ts";

/** The registry as plan reads it (refresh, drift, `state show`, and the sync's look-up of its entry). */
export interface RegistryReader {
  /** Registry, ordered by owner account. */
  listIntegrations(): Promise<RegistryEntry[]>;
  /** The integration whose owner or sister is `account`, if any. */
  findByAccount(account: number): Promise<RegistryEntry | null>;
  /** Changes whenever any integration is written (a stale-plan check). */
  registryRevision(): Promise<number>;
}

/** Keyed fingerprints of API keys, to notice a rotated key without storing it. */
export interface KeyFingerprints {
  /**
   * A keyed fingerprint of an API key (`hmac-sha256:<hex>`). The HMAC secret is random, created when
   * the store is first opened and kept in the store, so fingerprints compare across runs against the
   * same store.
   */
  fingerprintKey(apiKey: string): Promise<string>;
}
