/** The store role of `GET /reaids/{reaId}` (src/store/reaid-lookup-sql.ts). */
export interface ReaidLookupStore {
  /** The namespace that holds `reaid`, or null (the store keeps no address to answer with). */
  findReaid(reaid: string): Promise<{ namespace: string } | null>;
}
