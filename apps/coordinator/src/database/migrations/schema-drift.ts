// Test support only: compares the database the SQL migrations build with what schema.prisma
// declares, because `prisma migrate diff` (which would do this) needs a native engine we cannot
// download here. Imports a devDependency, so production code must never import this module.
import { get_dmmf } from '@prisma/prisma-schema-wasm';

export interface ColumnShape {
  /** PostgreSQL's spelling, as `format_type` prints it, without the array brackets. */
  type: string;
  isArray: boolean;
  nullable: boolean;
  hasDefault: boolean;
}

export interface IndexShape {
  name: string;
  table: string;
  columns: string[];
}

export interface ForeignKeyShape {
  name: string;
  table: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}

/** The parts of a PostgreSQL schema that a Prisma schema determines. */
export interface SchemaShape {
  /** Enum type name to its labels, in declaration order (the order is part of the type). */
  enums: Record<string, string[]>;
  /** Table name to column name to column. */
  tables: Record<string, Record<string, ColumnShape>>;
  primaryKeys: IndexShape[];
  uniqueIndexes: IndexShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export type SqlQuery = (sql: string) => Promise<Record<string, unknown>[]>;

// ---------------------------------------------------------------------------------------------
// schema.prisma side

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}

interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: string; length?: number; operatorClass?: string }[];
}

interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

/** PostgreSQL's identifier limit; Prisma shortens generated constraint names to fit it. */
const MAX_IDENTIFIER_LENGTH = 63;

/** Defaults Prisma computes in the client, so the column has no DEFAULT in the database. */
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

export function parsePrismaSchema(schemaText: string): Dmmf {
  let raw: string;
  try {
    raw = get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }));
  } catch (err) {
    // The engine reports errors as JSON with ANSI colours; unwrap them so a test failure reads well.
    const message = err instanceof Error ? err.message : String(err);
    let detail = message;
    try {
      detail = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the raw text
    }
    throw new Error(`schema.prisma does not parse: ${stripAnsi(detail)}`, { cause: err });
  }
  return JSON.parse(raw) as Dmmf;
}

/** What `prisma migrate` would create on PostgreSQL for this schema. */
export function expectedShapeFromPrisma(schemaText: string): SchemaShape {
  rejectUnsupported(schemaText);
  const { datamodel } = parsePrismaSchema(schemaText);
  const shape = emptyShape();

  const enumDbName = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const e of datamodel.enums) {
    shape.enums[e.dbName ?? e.name] = e.values.map((value) => value.dbName ?? value.name);
  }

  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string): string => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`model ${model.name} has no field ${fieldName}`);
    return field.dbName ?? field.name;
  };

  for (const model of datamodel.models) {
    if (model.schema) throw new Error(`model ${model.name}: multi-schema is not supported by the drift check`);
    const table = tableOf(model);
    const columns: Record<string, ColumnShape> = {};
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      if (field.kind === 'unsupported') {
        throw new Error(`field ${model.name}.${field.name}: Unsupported(...) types are not handled by the drift check`);
      }
      const enumName = field.kind === 'enum' ? enumDbName.get(field.type) : undefined;
      columns[field.dbName ?? field.name] = {
        type: enumName ?? postgresType(model, field),
        isArray: field.isList,
        // Prisma creates scalar-list columns without NOT NULL, whatever the schema says.
        nullable: field.isList || !field.isRequired,
        hasDefault: hasDatabaseDefault(field),
      };
    }
    shape.tables[table] = columns;

    for (const field of model.fields) {
      const from = field.relationFromFields ?? [];
      if (field.kind !== 'object' || from.length === 0) continue;
      const target = models.get(field.type);
      if (!target) throw new Error(`relation ${model.name}.${field.name} points at unknown model ${field.type}`);
      const fromColumns = from.map((name) => columnOf(model, name));
      const optional = from.some((name) => !model.fields.find((f) => f.name === name)?.isRequired);
      shape.foreignKeys.push({
        name: constraintName(table, fromColumns, '_fkey'),
        table,
        columns: fromColumns,
        referencedTable: tableOf(target),
        referencedColumns: (field.relationToFields ?? []).map((name) => columnOf(target, name)),
        // Prisma's defaults when the relation does not say.
        onDelete: referentialAction(field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')),
        onUpdate: referentialAction(field.relationOnUpdate ?? 'Cascade'),
      });
    }

    const implicitManyToMany = model.fields.find(
      (field) =>
        field.kind === 'object' &&
        field.isList &&
        models
          .get(field.type)
          ?.fields.some((other) => other !== field && other.relationName === field.relationName && other.isList),
    );
    if (implicitManyToMany) {
      throw new Error(
        `relation ${model.name}.${implicitManyToMany.name}: implicit many-to-many join tables are not handled by the drift check`,
      );
    }
  }

  for (const index of datamodel.indexes) {
    const model = models.get(index.model);
    if (!model) throw new Error(`index on unknown model ${index.model}`);
    const table = tableOf(model);
    if (index.algorithm || index.fields.some((f) => f.sortOrder || f.length || f.operatorClass)) {
      throw new Error(
        `index on ${table}: sort order, length, operator class and algorithm are not compared; extend the drift check`,
      );
    }
    const columns = index.fields.map((f) => columnOf(model, f.name));
    switch (index.type) {
      case 'id':
        shape.primaryKeys.push({ name: index.dbName ?? constraintName(table, [], '_pkey'), table, columns });
        break;
      case 'unique':
        shape.uniqueIndexes.push({ name: index.dbName ?? constraintName(table, columns, '_key'), table, columns });
        break;
      case 'normal':
        shape.indexes.push({ name: index.dbName ?? constraintName(table, columns, '_idx'), table, columns });
        break;
      default:
        throw new Error(`index type ${index.type} on ${table} does not exist on PostgreSQL`);
    }
  }
  return shape;
}

/**
 * Things the DMMF does not expose (so they would be compared wrongly rather than not at all):
 * a custom foreign-key name is only visible in the source text.
 */
function rejectUnsupported(schemaText: string): void {
  if (/@relation\([^)]*\bmap\s*:/.test(schemaText)) {
    throw new Error('@relation(map: ...) is not visible in the DMMF: extend the drift check before using it');
  }
}

function hasDatabaseDefault(field: DmmfField): boolean {
  if (!field.hasDefaultValue) return false;
  const value = field.default;
  if (value && typeof value === 'object' && !Array.isArray(value) && 'name' in value) {
    return !CLIENT_SIDE_DEFAULTS.has(String((value as { name: unknown }).name));
  }
  return true;
}

/** Prisma's default type for each scalar on PostgreSQL, or the one its `@db.*` attribute picks. */
function postgresType(model: DmmfModel, field: DmmfField): string {
  const [native, args = []] = field.nativeType ?? [];
  const precision = args.length > 0 ? `(${args.join(',')})` : '';
  if (native === undefined) {
    const byScalar: Record<string, string> = {
      String: 'text',
      Boolean: 'boolean',
      Int: 'integer',
      BigInt: 'bigint',
      Float: 'double precision',
      Decimal: 'numeric(65,30)',
      DateTime: 'timestamp(3) without time zone',
      Json: 'jsonb',
      Bytes: 'bytea',
    };
    const type = byScalar[field.type];
    if (type) return type;
  } else {
    const byNative: Record<string, string> = {
      Text: 'text',
      Uuid: 'uuid',
      VarChar: `character varying${precision}`,
      Char: `character${precision}`,
      Xml: 'xml',
      Inet: 'inet',
      Citext: 'citext',
      Bit: `bit${precision}`,
      VarBit: `bit varying${precision}`,
      SmallInt: 'smallint',
      Integer: 'integer',
      BigInt: 'bigint',
      Oid: 'oid',
      Real: 'real',
      DoublePrecision: 'double precision',
      Decimal: `numeric${precision}`,
      Money: 'money',
      Boolean: 'boolean',
      Timestamp: `timestamp${precision} without time zone`,
      Timestamptz: `timestamp${precision} with time zone`,
      Date: 'date',
      Time: `time${precision} without time zone`,
      Timetz: `time${precision} with time zone`,
      Json: 'json',
      JsonB: 'jsonb',
      ByteA: 'bytea',
    };
    const type = byNative[native];
    if (type) return type;
  }
  throw new Error(
    `field ${model.name}.${field.name}: no PostgreSQL type known for ${field.type}${native ? ` @db.${native}` : ''}; extend postgresType()`,
  );
}

function referentialAction(action: string): string {
  const sql = REFERENTIAL_ACTIONS[action];
  if (!sql) throw new Error(`unknown referential action ${action}`);
  return sql;
}

/** Prisma's naming: `<table>_<columns>_<suffix>`, shortened so the whole name fits 63 bytes. */
function constraintName(table: string, columns: string[], suffix: string): string {
  const base = [table, ...columns].join('_');
  return base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length) + suffix;
}

// ---------------------------------------------------------------------------------------------
// Database side

const PRISMA_BOOKKEEPING_TABLE = '_prisma_migrations';

/** Reads the current schema (`current_schema()`) of a migrated database, ignoring Prisma's own table. */
export async function introspectDatabase(query: SqlQuery): Promise<SchemaShape> {
  const shape = emptyShape();

  const enumRows = await query(`
    SELECT t.typname AS enum_name, e.enumlabel AS label
      FROM pg_type t
      JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = current_schema()
     ORDER BY t.typname, e.enumsortorder`);
  for (const row of enumRows) {
    (shape.enums[str(row.enum_name)] ??= []).push(str(row.label));
  }

  const columnRows = await query(`
    SELECT c.relname AS table_name,
           a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS column_type,
           NOT a.attnotnull AS nullable,
           (a.atthasdef OR a.attidentity <> '') AS has_default
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> '${PRISMA_BOOKKEEPING_TABLE}'
     ORDER BY c.relname, a.attnum`);
  for (const row of columnRows) {
    const rawType = str(row.column_type);
    const isArray = rawType.endsWith('[]');
    // format_type quotes identifiers that need it ("Role"); the schema side has bare names.
    const type = (isArray ? rawType.slice(0, -2) : rawType).replaceAll('"', '');
    (shape.tables[str(row.table_name)] ??= {})[str(row.column_name)] = {
      type,
      isArray,
      nullable: row.nullable === true,
      hasDefault: row.has_default === true,
    };
  }

  // JSON rather than name[] so that node-postgres and PGlite hand back the same JS arrays.
  const indexRows = await query(`
    SELECT t.relname AS table_name,
           i.relname AS index_name,
           x.indisprimary AS is_primary,
           x.indisunique AS is_unique,
           (SELECT json_agg(COALESCE(a.attname, '<expression>') ORDER BY k.ord)
              FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND t.relname <> '${PRISMA_BOOKKEEPING_TABLE}'
     ORDER BY i.relname`);
  for (const row of indexRows) {
    const index: IndexShape = { name: str(row.index_name), table: str(row.table_name), columns: strings(row.columns) };
    if (row.is_primary === true) shape.primaryKeys.push(index);
    else if (row.is_unique === true) shape.uniqueIndexes.push(index);
    else shape.indexes.push(index);
  }

  const foreignKeyRows = await query(`
    SELECT con.conname AS constraint_name,
           t.relname AS table_name,
           rt.relname AS referenced_table,
           con.confdeltype AS on_delete,
           con.confupdtype AS on_update,
           (SELECT json_agg(a.attname ORDER BY k.ord)
              FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
           (SELECT json_agg(a.attname ORDER BY k.ord)
              FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS referenced_columns
      FROM pg_constraint con
      JOIN pg_class t ON t.oid = con.conrelid
      JOIN pg_class rt ON rt.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE con.contype = 'f' AND n.nspname = current_schema()
     ORDER BY con.conname`);
  const actions: Record<string, string> = {
    a: 'NO ACTION',
    r: 'RESTRICT',
    c: 'CASCADE',
    n: 'SET NULL',
    d: 'SET DEFAULT',
  };
  for (const row of foreignKeyRows) {
    shape.foreignKeys.push({
      name: str(row.constraint_name),
      table: str(row.table_name),
      columns: strings(row.columns),
      referencedTable: str(row.referenced_table),
      referencedColumns: strings(row.referenced_columns),
      onDelete: actions[str(row.on_delete)] ?? str(row.on_delete),
      onUpdate: actions[str(row.on_update)] ?? str(row.on_update),
    });
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * One line per difference, sorted, empty when the two agree. Each object of the schema becomes a
 * key with a one-line description, so a missing column, a changed type or a renamed index each
 * read as a single sentence in a test failure.
 */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const want = describeShape(expected);
  const have = describeShape(actual);
  const lines: string[] = [];
  for (const key of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    const w = want.get(key);
    const h = have.get(key);
    if (w === h) continue;
    if (h === undefined) lines.push(`missing from the migrated database: ${key}: ${w}`);
    else if (w === undefined) lines.push(`not declared in schema.prisma: ${key}: ${h}`);
    else lines.push(`${key}: schema.prisma declares ${w}, the migrations produce ${h}`);
  }
  return lines;
}

function describeShape(shape: SchemaShape): Map<string, string> {
  const facts = new Map<string, string>();
  const q = (name: string): string => `"${name}"`;
  const cols = (columns: string[]): string => `(${columns.map(q).join(', ')})`;

  for (const [name, labels] of Object.entries(shape.enums)) {
    facts.set(`enum ${q(name)}`, `(${labels.map((l) => `'${l}'`).join(', ')})`);
  }
  for (const [table, columns] of Object.entries(shape.tables)) {
    facts.set(`table ${q(table)}`, 'present');
    for (const [column, c] of Object.entries(columns)) {
      facts.set(
        `column ${q(table)}.${q(column)}`,
        `${c.type}${c.isArray ? '[]' : ''} ${c.nullable ? 'NULL' : 'NOT NULL'} ${c.hasDefault ? 'with a DEFAULT' : 'without DEFAULT'}`,
      );
    }
  }
  for (const pk of shape.primaryKeys) facts.set(`primary key of ${q(pk.table)}`, `${q(pk.name)} ${cols(pk.columns)}`);
  for (const ix of shape.uniqueIndexes) facts.set(`unique index ${q(ix.name)}`, `on ${q(ix.table)}${cols(ix.columns)}`);
  for (const ix of shape.indexes) facts.set(`index ${q(ix.name)}`, `on ${q(ix.table)}${cols(ix.columns)}`);
  for (const fk of shape.foreignKeys) {
    facts.set(
      `foreign key ${q(fk.name)}`,
      `${q(fk.table)}${cols(fk.columns)} REFERENCES ${q(fk.referencedTable)}${cols(fk.referencedColumns)} ` +
        `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`,
    );
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------

function emptyShape(): SchemaShape {
  return { enums: {}, tables: {}, primaryKeys: [], uniqueIndexes: [], indexes: [], foreignKeys: [] };
}

function str(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected a string from the catalog, got ${JSON.stringify(value)}`);
  return value;
}

/** json_agg comes back parsed from node-postgres and PGlite, but as text from some drivers. */
function strings(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error(`expected a JSON array from the catalog, got ${JSON.stringify(value)}`);
  return parsed.map(str);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
