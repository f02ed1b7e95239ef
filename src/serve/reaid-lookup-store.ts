/** The store role of `GET /reaids/{reaId}` (src/store/reaid-lookup-sql.ts). */
export interface ReaidLookupStore {
  /** The namespace and (normalised) e-mail that hold `reaid`, or null. */
  findReaid(reaid: string): Promise<{ namespace: string; email: string } | null>;
}
