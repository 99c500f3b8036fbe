// Quoting helpers for generated DuckDB SQL (paths and identifiers cannot be bound as parameters).

export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
