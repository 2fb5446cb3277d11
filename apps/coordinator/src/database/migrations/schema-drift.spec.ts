import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, defaultMigrationsDir, pgliteMigrationTarget } from './index.js';
import {
  diffSchemas,
  expectedShapeFromPrisma,
  introspectDatabase,
  type SchemaShape,
  type SqlQuery,
} from './schema-drift.js';

const migrationsDir = defaultMigrationsDir();
const schemaPath = join(migrationsDir, '..', 'schema.prisma');

let db: PGlite;
let schemaText: string;
let migrated: SchemaShape;

beforeAll(async () => {
  db = new PGlite();
  await applyMigrations(pgliteMigrationTarget(db), { migrationsDir });
  schemaText = await readFile(schemaPath, 'utf8');
  migrated = await introspectDatabase(pgliteQuery(db));
});

afterAll(async () => {
  await db.close();
});

function pgliteQuery(instance: PGlite): SqlQuery {
  return async (sql) => (await instance.query<Record<string, unknown>>(sql)).rows;
}

/** Replaces one exact snippet of the real schema; fails loudly when schema.prisma no longer contains it. */
function editSchema(text: string, anchor: string, replacement: string): string {
  expect(text, `anchor ${JSON.stringify(anchor)} not found in schema.prisma`).toContain(anchor);
  return text.replace(anchor, replacement);
}

describe('schema drift between prisma/schema.prisma and prisma/migrations', () => {
  it('the migrated database is exactly what schema.prisma declares', () => {
    const diff = diffSchemas(expectedShapeFromPrisma(schemaText), migrated);
    // On failure: write a new migration under prisma/migrations for the schema change (the
    // message lists every table, column, index and key that differs).
    expect(diff, `schema.prisma and the migrations disagree:\n${diff.join('\n')}`).toEqual([]);
  });

  it('introspection sees what the init migration creates', () => {
    // Guards the comparison itself: an introspection that returned nothing would also "match"
    // a schema parsed into nothing.
    expect(Object.keys(migrated.tables).sort()).toEqual([
      'api_keys',
      'blocked_info_hashes',
      'contacts',
      'device_challenges',
      'devices',
      'refresh_tokens',
      'sessions',
      'users',
    ]);
    expect(migrated.enums).toEqual({
      Role: ['user', 'admin'],
      ContactState: ['outgoing', 'incoming', 'accepted', 'blocked'],
    });
    expect(migrated.tables.api_keys?.scopes).toEqual({
      type: 'text',
      isArray: true,
      nullable: true,
      hasDefault: false,
    });
    expect(migrated.tables.users?.role).toEqual({ type: 'Role', isArray: false, nullable: false, hasDefault: true });
    expect(migrated.tables.users?.id?.type).toBe('uuid');
    expect(migrated.foreignKeys).toContainEqual({
      name: 'refresh_tokens_session_id_fkey',
      table: 'refresh_tokens',
      columns: ['session_id'],
      referencedTable: 'sessions',
      referencedColumns: ['id'],
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    });
  });

  it('reports a readable difference when schema.prisma changes without a migration', () => {
    let altered = editSchema(
      schemaText,
      '  passwordHash String   @map("password_hash")\n',
      ['  passwordHash String   @map("password_hash")', '  displayName  String?  @map("display_name")', ''].join('\n'),
    );
    altered = editSchema(
      altered,
      '  exchangeKey String?   @map("exchange_key")',
      '  exchangeKey String    @map("exchange_key")',
    );
    altered = editSchema(
      altered,
      '  user          User           @relation(fields: [userId], references: [id], onDelete: Cascade)',
      '  user          User           @relation(fields: [userId], references: [id], onDelete: Restrict)',
    );
    altered = editSchema(altered, 'enum Role {\n  user\n  admin\n', 'enum Role {\n  user\n  admin\n  auditor\n');
    altered = editSchema(altered, '  @@map("api_keys")', '  @@index([createdAt])\n  @@map("api_keys")');

    const diff = diffSchemas(expectedShapeFromPrisma(altered), migrated);

    expect(diff).toEqual([
      `column "devices"."exchange_key": schema.prisma declares text NOT NULL without DEFAULT, the migrations produce text NULL without DEFAULT`,
      `missing from the migrated database: column "users"."display_name": text NULL without DEFAULT`,
      `enum "Role": schema.prisma declares ('user', 'admin', 'auditor'), the migrations produce ('user', 'admin')`,
      `foreign key "sessions_user_id_fkey": schema.prisma declares "sessions"("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE, the migrations produce "sessions"("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
      `missing from the migrated database: index "api_keys_created_at_idx": on "api_keys"("created_at")`,
    ]);
  });

  it('reports SQL that schema.prisma does not declare', async () => {
    const extra = new PGlite();
    try {
      await applyMigrations(pgliteMigrationTarget(extra), { migrationsDir });
      await extra.exec(`
        ALTER TABLE "users" ADD COLUMN "nickname" TEXT;
        CREATE INDEX "users_created_at_idx" ON "users"("created_at");
        ALTER TABLE "devices" ALTER COLUMN "name" DROP NOT NULL;`);
      const diff = diffSchemas(expectedShapeFromPrisma(schemaText), await introspectDatabase(pgliteQuery(extra)));
      expect(diff).toEqual([
        `column "devices"."name": schema.prisma declares text NOT NULL without DEFAULT, the migrations produce text NULL without DEFAULT`,
        `not declared in schema.prisma: column "users"."nickname": text NULL without DEFAULT`,
        `not declared in schema.prisma: index "users_created_at_idx": on "users"("created_at")`,
      ]);
    } finally {
      await extra.close();
    }
  });

  it('maps Prisma types, names and defaults the way prisma migrate does', () => {
    const shape = expectedShapeFromPrisma(`
      datasource db {
        provider = "postgresql"
      }
      enum Colour {
        red   @map("RED")
        blue
        @@map("colours")
      }
      model Thing {
        id        Int      @id @default(autoincrement())
        key       String   @default(uuid()) @db.Uuid
        colour    Colour   @default(red)
        tags      Int[]
        price     Decimal
        label     String   @db.VarChar(20)
        at        DateTime @db.Timestamptz(6)
        touchedAt DateTime @updatedAt @map("touched_at")
        parentId  Int?     @map("parent_id")
        parent    Thing?   @relation("tree", fields: [parentId], references: [id])
        children  Thing[]  @relation("tree")
        @@unique([label, colour])
        @@index([at], map: "custom_at")
        @@map("things")
      }
    `);
    expect(shape.enums).toEqual({ colours: ['RED', 'blue'] });
    expect(shape.tables.things).toEqual({
      id: { type: 'integer', isArray: false, nullable: false, hasDefault: true },
      key: { type: 'uuid', isArray: false, nullable: false, hasDefault: false },
      colour: { type: 'colours', isArray: false, nullable: false, hasDefault: true },
      tags: { type: 'integer', isArray: true, nullable: true, hasDefault: false },
      price: { type: 'numeric(65,30)', isArray: false, nullable: false, hasDefault: false },
      label: { type: 'character varying(20)', isArray: false, nullable: false, hasDefault: false },
      at: { type: 'timestamp(6) with time zone', isArray: false, nullable: false, hasDefault: false },
      touched_at: { type: 'timestamp(3) without time zone', isArray: false, nullable: false, hasDefault: false },
      parent_id: { type: 'integer', isArray: false, nullable: true, hasDefault: false },
    });
    expect(shape.primaryKeys).toEqual([{ name: 'things_pkey', table: 'things', columns: ['id'] }]);
    expect(shape.uniqueIndexes).toEqual([
      { name: 'things_label_colour_key', table: 'things', columns: ['label', 'colour'] },
    ]);
    expect(shape.indexes).toEqual([{ name: 'custom_at', table: 'things', columns: ['at'] }]);
    expect(shape.foreignKeys).toEqual([
      {
        name: 'things_parent_id_fkey',
        table: 'things',
        columns: ['parent_id'],
        referencedTable: 'things',
        referencedColumns: ['id'],
        onDelete: 'SET NULL',
        onUpdate: 'CASCADE',
      },
    ]);
  });

  it('explains a schema that does not parse', () => {
    expect(() => expectedShapeFromPrisma('model Broken {\n  id Int @id\n  oops Strin\n}\n')).toThrow(
      /^schema\.prisma does not parse: .*Strin/s,
    );
  });
});
