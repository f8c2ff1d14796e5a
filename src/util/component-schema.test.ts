import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { migrateComponentSchema, type ComponentMigration } from './component-schema.js';

const migrations: ComponentMigration[] = [
  { version: 1, description: 'a table', up: (database) => database.exec('CREATE TABLE a (x INTEGER)') },
  { version: 2, description: 'a column', up: (database) => database.exec('ALTER TABLE a ADD COLUMN y TEXT') },
];

describe('migrateComponentSchema', () => {
  test('applies each step once, per component, without touching user_version', () => {
    const database = new Database(':memory:');
    expect(migrateComponentSchema(database, 'one', migrations.slice(0, 1))).toEqual([1]);
    expect(migrateComponentSchema(database, 'one', migrations)).toEqual([2]);
    expect(migrateComponentSchema(database, 'one', migrations)).toEqual([]);
    expect(migrateComponentSchema(database, 'two', [{ version: 1, description: 'b', up: (db) => db.exec('CREATE TABLE b (z)') }])).toEqual([1]);
    expect(database.pragma('user_version', { simple: true })).toBe(0);
    database.close();
  });

  test('a failing step rolls back and leaves the recorded version where it was', () => {
    const database = new Database(':memory:');
    const failing: ComponentMigration = { version: 3, description: 'broken', up: () => { throw new Error('boom'); } };
    expect(() => migrateComponentSchema(database, 'one', [...migrations, failing])).toThrow('boom');
    expect(database.prepare("SELECT version FROM component_schema WHERE component = 'one'").get()).toEqual({ version: 2 });
    database.close();
  });

  test('an up-to-date component only reads: it opens on a read-only connection (commands that only read work where nothing may be written)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-component-schema-'));
    try {
      const path = join(directory, 'project.db');
      const writer = new Database(path);
      migrateComponentSchema(writer, 'one', migrations);
      writer.close();
      const reader = new Database(path, { readonly: true });
      expect(migrateComponentSchema(reader, 'one', migrations)).toEqual([]);
      // A step still to apply needs the write, and says so.
      expect(() => migrateComponentSchema(reader, 'two', [{ version: 1, description: 'b', up: (db) => db.exec('CREATE TABLE b (z)') }])).toThrow(/readonly/);
      reader.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
