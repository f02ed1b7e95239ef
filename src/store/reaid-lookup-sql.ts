import type { ReaidLookupStore } from "../serve/reaid-lookup-store.ts";
import type { SqlSession } from "./sql-driver.ts";

/** ReaidLookupStore over the `reaids` table (its unique index on `reaid`). */
export class ReaidLookupSql implements ReaidLookupStore {
  readonly #db: SqlSession;

  constructor(db: SqlSession) {
    this.#db = db;
  }

  async findReaid(reaid: string): Promise<{ namespace: string } | null> {
    const [row] = await this.#db.all<{ namespace: string }>("SELECT namespace FROM reaids WHERE reaid = ?", [
      reaid,
    ]);
    return row ? { namespace: row.namespace } : null;
  }
}
