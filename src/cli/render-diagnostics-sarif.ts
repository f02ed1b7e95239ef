import { diagnosticCodes } from "../config/diagnostic-codes.ts";
import type { Diagnostic } from "../types/diagnostic.ts";

/** The parts of a SARIF 2.1.0 log that emi writes. */
interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: Array<{
    tool: {
      driver: {
        name: string;
        version: string;
        rules: Array<{ id: string; shortDescription: { text: string } }>;
      };
    };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: "error" | "warning";
      message: { text: string };
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId: string };
          region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number };
        };
      }>;
    }>;
  }>;
}

/**
 * SARIF 2.1.0, so that code scanning shows the diagnostics on the pull request. File names stay
 * relative to the repository root (`%SRCROOT%`), as code scanning expects.
 */
export function renderDiagnosticsSarif(
  result: { diagnostics: readonly Diagnostic[] },
  toolVersion: string,
): string {
  const ruleIds = [...new Set(result.diagnostics.map((d) => d.code))].sort();
  const log: SarifLog = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "emi",
            version: toolVersion,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: diagnosticCodes[id] ?? id } })),
          },
        },
        results: result.diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIds.indexOf(d.code),
          level: d.severity,
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(d.file), uriBaseId: "%SRCROOT%" },
                region: {
                  startLine: d.line,
                  startColumn: d.column,
                  ...(d.endLine !== undefined ? { endLine: d.endLine } : {}),
                  ...(d.endColumn !== undefined ? { endColumn: d.endColumn } : {}),
                },
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
