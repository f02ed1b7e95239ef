import type { DesiredIntegration } from "../types/declared.ts";
import type { Integration } from "../types/integration.ts";

/** Fills the schema's defaults and sorts the sister accounts, so equal intent compares equal. */
export function normaliseIntegration(declared: Integration): DesiredIntegration {
  const { actito } = declared;
  return {
    account: declared.account,
    provider: declared.provider,
    actito: {
      endpoint: actito.endpoint,
      entity: actito.entity,
      email: actito.email,
      apiKey: { secretRef: actito.apiKey.secretRef },
      ...(actito.profileTable === undefined ? {} : { profileTable: actito.profileTable }),
      reaidAttribute: actito.reaidAttribute ?? "reaid",
      ...(actito.adoptExistingReaids === true ? { adoptExistingReaids: true } : {}),
      ...(actito.linkDomains === undefined
        ? {}
        : {
            links: {
              domains: [...new Set(actito.linkDomains.map((host) => host.toLowerCase()))],
              campaigns: (actito.campaigns ?? []).map(String),
              parameter: actito.linkParameter ?? "reaid",
            },
          }),
    },
    sisterAccounts: [...(declared.sisterAccounts ?? [])].sort((a, b) => a - b),
    emailSync: declared.emailSync ?? true,
    ...(declared.realtime === true ? { realtime: true as const } : {}),
  };
}
