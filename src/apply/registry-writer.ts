import type { IntegrationStatus, RegistryEntry, RegistryWrite } from "../store/store-records.ts";

/** The registry writes of apply. */
export interface RegistryWriter {
  /**
   * Creates or replaces the integration owned by `write.account`, sisters included.
   * Throws StoreError (code `account-taken`) if an account belongs to another integration.
   */
  putIntegration(write: RegistryWrite): Promise<RegistryEntry>;
  setStatus(account: number, status: IntegrationStatus): Promise<void>;
}
