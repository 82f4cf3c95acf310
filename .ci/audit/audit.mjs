// Runs every server audit of graphql-http against the GraphQL endpoint given as the first
// argument; prints one line per audit and exits 1 if any is not ok (warnings included).
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
let failed = 0;
let total = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  total += 1;
  if (result.status !== 'ok') {
    failed += 1;
    let detail = result.reason;
    try {
      detail += ' ' + JSON.stringify(await result.response.text?.()).slice(0, 300);
    } catch {}
    console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${detail}`);
  } else {
    console.log(`ok ${audit.id} ${audit.name}`);
  }
}
console.log(`${total - failed} of ${total} audits ok`);
process.exit(failed === 0 ? 0 : 1);
