// Against a running `hyphae serve`: HYPHAE_API_URL, HYPHAE_API_TOKEN and HYPHAE_API_TOPIC (a route's input topic, whose
// route has a stage named by HYPHAE_API_STAGE as <route>.<stage>) are set by the integration test that starts the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyphaeClient, HyphaeError } from '../index.js';

const { HYPHAE_API_URL: baseUrl, HYPHAE_API_TOKEN: token, HYPHAE_API_TOPIC: topic, HYPHAE_API_STAGE: stage } = process.env;
const skip = baseUrl && token && topic && stage ? false : 'set HYPHAE_API_URL, HYPHAE_API_TOKEN, HYPHAE_API_TOPIC and HYPHAE_API_STAGE (SdkIT does)';

test('sends an event and a batch, and an idempotent retry produces once', { skip }, async () => {
  const client = new HyphaeClient({ baseUrl, token });
  const one = await client.sendEvents(topic, { key: 'sdk-1', value: { id: 1 }, headers: { via: 'sdk' } });
  assert.equal(one.topic, topic);
  assert.equal(one.records.length, 1);
  const batch = await client.sendEvents(topic, [{ key: 'sdk-2', value: { id: 2 } }, { key: 'sdk-3', value: { id: 3 } }]);
  assert.equal(batch.records.length, 2);
  const first = await client.sendEvents(topic, { key: 'sdk-4', value: { id: 4 } }, { idempotencyKey: 'sdk-req-4' });
  const again = await client.sendEvents(topic, { key: 'sdk-4', value: { id: 4 } }, { idempotencyKey: 'sdk-req-4' });
  assert.deepEqual(again, first);
});

test('a refused request is a HyphaeError with the status', { skip }, async () => {
  const client = new HyphaeClient({ baseUrl, token });
  await assert.rejects(client.sendEvents('no.such.topic', { value: {} }), (e) => e instanceof HyphaeError && e.status === 404);
  const wrong = new HyphaeClient({ baseUrl, token: 'wrong' });
  await assert.rejects(wrong.listSubscribers(), (e) => e instanceof HyphaeError && e.status === 401);
});

test('manages a subscriber; an invalid one comes back with its field paths', { skip }, async () => {
  const client = new HyphaeClient({ baseUrl, token });
  await assert.rejects(client.putSubscriber('sdk-hook', { stage, url: 'ftp://example.com/h', maxInFlight: 0 }), (e) => {
    assert.equal(e.status, 422);
    assert.deepEqual(e.problems.map((p) => p.path).sort(), ['maxInFlight', 'url']);
    return true;
  });
  const fields = { stage, url: 'https://example.com/hooks/sdk', filter: 'value.id > 2' };
  const written = await client.putSubscriber('sdk-hook', fields);
  assert.equal(written.name, 'sdk-hook');
  assert.deepEqual(await client.getSubscriber('sdk-hook'), fields);
  assert.ok('sdk-hook' in (await client.listSubscribers()));
  const status = await client.getSubscriberStatus('sdk-hook');
  assert.equal(status.name, 'sdk-hook');
  assert.equal(typeof status.delivered, 'number');
  assert.equal(typeof status.paused, 'boolean');
  assert.equal(await client.deleteSubscriber('sdk-hook'), true);
  assert.equal(await client.getSubscriber('sdk-hook'), undefined);
  assert.equal(await client.deleteSubscriber('sdk-hook'), false);
  assert.equal(await client.getSubscriberStatus('sdk-hook'), undefined);
});
