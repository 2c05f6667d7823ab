// Independent Confluent wire-format client (@kafkajs/confluent-schema-registry) for Hyphae's interop test.
//   node interop.js encode <registryUrl> <subject> <schema.avsc> <record.json> <out.bin>   registers, encodes, prints the id
//   node interop.js decode <registryUrl> <in.bin>                                           prints the record as JSON
const fs = require('fs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

async function main() {
  const [command, host, ...args] = process.argv.slice(2);
  const registry = new SchemaRegistry({ host });
  if (command === 'encode') {
    const [subject, schemaFile, recordFile, outFile] = args;
    // Registered over plain HTTP: the library's register() first reads /config/<subject>, which not every
    // Confluent-compatible registry offers. Encoding and decoding below are entirely the library's.
    const response = await fetch(`${host}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: fs.readFileSync(schemaFile, 'utf8') }),
    });
    if (!response.ok) {
      throw new Error(`registering ${schemaFile} under ${subject}: ${response.status} ${await response.text()}`);
    }
    const { id } = await response.json();
    const bytes = await registry.encode(id, JSON.parse(fs.readFileSync(recordFile, 'utf8')));
    fs.writeFileSync(outFile, bytes);
    console.log(JSON.stringify({ id }));
  } else if (command === 'decode') {
    const [inFile] = args;
    const record = await registry.decode(fs.readFileSync(inFile));
    console.log(JSON.stringify(record));
  } else {
    throw new Error('usage: interop.js encode|decode ...');
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
