/** `integrations/1042.yml` → `integrations/1042`: the name without its YAML extension, in lower case. */
function stemOf(file: string): string {
  return file.replace(/\.ya?ml$/i, "").toLowerCase();
}

/**
 * Files that declare the same thing as an earlier file by name alone (`1042.yaml` and `1042.yml`,
 * or `1042.YAML`): each later file mapped to the first one. Such a pair is one mistake, reported
 * once; the later file is then left out of the cross-file rules, which would otherwise report the
 * same account and every one of its sisters as claimed twice.
 */
export function findDuplicateDeclarationFiles(files: Iterable<string>): Map<string, string> {
  const first = new Map<string, string>();
  const duplicates = new Map<string, string>();
  for (const file of files) {
    const stem = stemOf(file);
    const earlier = first.get(stem);
    if (earlier === undefined) first.set(stem, file);
    else duplicates.set(file, earlier);
  }
  return duplicates;
}
