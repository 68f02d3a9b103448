// Writes adr036_cosmjs.json: an ADR-036 signature made the way Keplr's signArbitrary
// makes it (makeADR36AminoSignDoc + CosmJS serializeSignDoc + signAmino), so the Go
// verifier is checked against an independent implementation.
// node adr036_vector.mjs SIGNER PRIVHEX DATA > adr036_cosmjs.json
import { createRequire } from "module";
const require = createRequire(process.env.WEB_NODE_MODULES ?? new URL("../../../web/node_modules/", import.meta.url).pathname);
const amino = require("@cosmjs/amino");
const { Secp256k1, sha256 } = require("@cosmjs/crypto");
const { toBase64, fromHex, toHex } = require("@cosmjs/encoding");
// Keplr's makeADR36AminoSignDoc, verbatim shape.
const signer = process.argv[2], privHex = process.argv[3], data = process.argv[4];
const doc = {
  chain_id: "", account_number: "0", sequence: "0",
  fee: { gas: "0", amount: [] },
  msgs: [{ type: "sign/MsgSignData", value: { signer, data: toBase64(new TextEncoder().encode(data)) } }],
  memo: "",
};
const bytes = amino.serializeSignDoc(doc);
const wallet = await amino.Secp256k1Wallet.fromKey(fromHex(privHex), "trade");
const [acc] = await wallet.getAccounts();
if (acc.address !== signer) throw new Error("address " + acc.address);
const res = await wallet.signAmino(signer, doc);
console.log(JSON.stringify({ signer, data, sign_bytes: new TextDecoder().decode(bytes), pub_key: res.signature.pub_key.value, signature: res.signature.signature }, null, 1));
