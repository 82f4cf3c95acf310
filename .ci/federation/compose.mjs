// Composes the subgraph SDL in the file given as the first argument (skillgraph's `_service {
// sdl }`) with a second subgraph that extends two of its entities; prints the supergraph's
// query type and exits 1 with the composition errors if it does not compose.
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const sdl = readFileSync(process.argv[2], 'utf8');
const reviews = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  type Alliance @key(fields: "id") {
    id: ID!
    "A reviewer's rating of the alliance's training, 1 to 5."
    rating: Int
  }
  type Demand @key(fields: "id") {
    id: ID!
    "Whether a reviewer flagged the demand."
    flagged: Boolean
  }
  type Query {
    "Alliances a reviewer rated."
    rated: [Alliance!]!
  }
`;
const result = composeServices([
  { name: 'skillgraph', url: 'http://skillgraph/graphql', typeDefs: parse(sdl) },
  { name: 'reviews', url: 'http://reviews/graphql', typeDefs: parse(reviews) },
]);
if (result.errors && result.errors.length > 0) {
  for (const error of result.errors) console.error(error.message);
  process.exit(1);
}
const supergraph = result.supergraphSdl;
const alliance = supergraph.match(/type Alliance[^{]*\{[^}]*\}/s);
console.log(alliance ? alliance[0] : supergraph.slice(0, 2000));
console.log('composed');
