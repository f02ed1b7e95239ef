import type { RegistryWrite } from "../../src/store/store.ts";

/** A registry write for `account`, with overrides. */
export function registryWrite(account: number, overrides: Partial<RegistryWrite> = {}): RegistryWrite {
  return {
    account,
    sisterAccounts: [],
    provider: "actito",
    endpoint: "api3",
    entity: "acme",
    profileTable: "customers",
    profileTableId: null,
    reaidAttribute: "reaid",
    email: "tech@acme.example",
    keyFingerprint: null,
    emailSync: true,
    status: "active",
    managedBy: "acme/integrations",
    ...overrides,
  };
}
