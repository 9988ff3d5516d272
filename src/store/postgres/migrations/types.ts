/** A PostgreSQL migration: the statements to run, given the quoted schema name. */
export type PostgresMigration = (schema: string) => readonly string[];
