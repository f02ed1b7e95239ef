import type { CheckedDeclaration, Rule } from "./rule.ts";
import { placeOf } from "./rule.ts";

/**
 * Rule 3: two integrations writing REAIDs into the same Actito table would overwrite each other's.
 * A declaration without `profileTable` means the entity's only table, so it clashes with any other
 * declaration on the same entity.
 */
export const entityTableShared: Rule = {
  code: "entity-table-shared",
  summary: "Two integrations may not point at the same Actito entity and profile table.",
  check(ctx) {
    const byEntity = new Map<string, CheckedDeclaration[]>();
    for (const declaration of ctx.declarations) {
      const { actito, account } = declaration.integration;
      if (actito.entity === "") continue; // salvaged from a file whose entity is unreadable
      const key = `${actito.endpoint}\u0000${actito.entity}`;
      const earlier = byEntity.get(key) ?? [];
      const clash = earlier.find((other) => {
        const table = other.integration.actito.profileTable;
        return table === undefined || actito.profileTable === undefined || table === actito.profileTable;
      });
      earlier.push(declaration);
      byEntity.set(key, earlier);
      if (!clash || clash.integration.account === account) continue;
      const table = actito.profileTable ?? clash.integration.actito.profileTable;
      const what = `entity "${actito.entity}"${table ? ` table "${table}"` : ""} on ${actito.endpoint}`;
      ctx.report(declaration.source, "/actito/entity", "value", {
        code: this.code,
        message: `${account} and ${clash.integration.account} (${placeOf(clash.source, "/actito/entity")}) both point at Actito ${what}, and would overwrite each other's REAIDs; make ${account} a sister account of ${clash.integration.account}`,
      });
    }
  },
};
