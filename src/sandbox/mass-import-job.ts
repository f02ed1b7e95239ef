/** A mass import as `GET …/etl-executions/{id}` reports it. */
export interface MassImportJob {
  id: string;
  entity: string;
  tableId: string;
  status: "RUNNING" | "SUCCESS" | "WITH_ERROR" | "FAILED";
  processed: number;
  updated: number;
  created: number;
  rejected: number;
  errors: { line: number; key: string; message: string }[];
}
