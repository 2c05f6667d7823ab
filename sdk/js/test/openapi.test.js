// The client implements exactly the operations of the committed OpenAPI document, with their methods and paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPERATIONS } from '../index.js';

const doc = JSON.parse(readFileSync(new URL('../../../schemas/hyphae-api.openapi.json', import.meta.url), 'utf8'));

test('every operation of the OpenAPI document is a method of the client, and no other', () => {
  const documented = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op && op.operationId) documented[op.operationId] = { method: method.toUpperCase(), path };
    }
  }
  assert.deepEqual(Object.fromEntries(Object.entries(OPERATIONS)), documented);
});

test('the typed Subscriber lists the fields of the document\'s Subscriber schema', () => {
  const types = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');
  const block = types.slice(types.indexOf('export interface Subscriber {'), types.indexOf('export interface Written'));
  for (const field of Object.keys(doc.components.schemas.Subscriber.properties)) {
    assert.match(block, new RegExp(`\\n  ${field}\\??:`), `index.d.ts Subscriber lacks ${field}`);
  }
});
