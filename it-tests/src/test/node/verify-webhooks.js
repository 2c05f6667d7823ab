// Verifies captured webhook deliveries with the Standard Webhooks reference library, independently of Hyphae.
// Usage: node verify-webhooks.js <deliveries.json>
// The file: { "secrets": ["whsec_..."], "wrongSecret": "whsec_...", "deliveries": [ { id, timestamp, signature, body } ] }
// Each delivery must verify with every secret on its own (a rotation signs with all of them), must not verify with the
// wrong secret, and must not verify once its body is altered. Prints "verified <n> deliveries with <k> secrets".
'use strict';
const fs = require('fs');
const { Webhook } = require('standardwebhooks');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const failures = [];

function verifies(secret, body, headers) {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch (e) {
    return false;
  }
}

for (const d of input.deliveries) {
  const headers = { 'webhook-id': d.id, 'webhook-timestamp': d.timestamp, 'webhook-signature': d.signature };
  input.secrets.forEach((secret, i) => {
    if (!verifies(secret, d.body, headers)) {
      failures.push(`${d.id}: does not verify with secret #${i}`);
    }
  });
  if (verifies(input.wrongSecret, d.body, headers)) {
    failures.push(`${d.id}: verifies with a secret it was not signed with`);
  }
  if (verifies(input.secrets[0], d.body + ' ', headers)) {
    failures.push(`${d.id}: verifies with an altered body`);
  }
}

if (failures.length > 0) {
  console.error(failures.slice(0, 20).join('\n'));
  process.exit(1);
}
console.log(`verified ${input.deliveries.length} deliveries with ${input.secrets.length} secrets`);
