// The app's own ADR-036 signer (src/lib/tx.ts) against the vector CosmJS
// made as Keplr's signArbitrary does (internal/docstore/testdata/
// adr036_cosmjs.json, which the Go verifier's TestADR036MatchesCosmJS checks
// byte for byte): the same StdSignDoc bytes, and a signature the same
// verification accepts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Secp256k1, Secp256k1Signature, sha256 } from "@cosmjs/crypto";
import { fromBase64, toUtf8 } from "@cosmjs/encoding";
import { Secp256k1Wallet, serializeSignDoc } from "@cosmjs/amino";
import { adr036SignDoc, signArbitraryWith } from "../src/lib/tx";

const v = JSON.parse(readFileSync(new URL("../../internal/docstore/testdata/adr036_cosmjs.json", import.meta.url), "utf8")) as {
  signer: string;
  data: string;
  sign_bytes: string;
  pub_key: string;
  signature: string;
};

describe("ADR-036 sign doc (Keplr's signArbitrary)", () => {
  it("is byte for byte the document CosmJS/Keplr sign (and internal/docstore verifies)", () => {
    const bytes = serializeSignDoc(adr036SignDoc(v.signer, toUtf8(v.data)));
    expect(new TextDecoder().decode(bytes)).toBe(v.sign_bytes);
  });
  it("the vector's signature verifies over those bytes", async () => {
    const bytes = serializeSignDoc(adr036SignDoc(v.signer, toUtf8(v.data)));
    const ok = await Secp256k1.verifySignature(Secp256k1Signature.fromFixedLength(fromBase64(v.signature)), sha256(bytes), fromBase64(v.pub_key));
    expect(ok).toBe(true);
  });
  it("the app's signer signs a challenge that verifies, and not another text", async () => {
    const priv = sha256(toUtf8("web-sme adr036 test key"));
    const w = await Secp256k1Wallet.fromKey(priv, "trade");
    const [acct] = await w.getAccounts();
    const text = "tradechain docstore access\nchain_id: hongkong-1\ngateway: trade1gw\nnonce: ab\nexpires: 2026-12-06T17:00:00Z";
    const sig = await signArbitraryWith(w, acct.address, text);
    expect(sig.pub_key.type).toBe("tendermint/PubKeySecp256k1");
    const s = Secp256k1Signature.fromFixedLength(fromBase64(sig.signature));
    const pub = fromBase64(sig.pub_key.value);
    expect(await Secp256k1.verifySignature(s, sha256(serializeSignDoc(adr036SignDoc(acct.address, toUtf8(text)))), pub)).toBe(true);
    expect(await Secp256k1.verifySignature(s, sha256(serializeSignDoc(adr036SignDoc(acct.address, toUtf8(text + "x")))), pub)).toBe(false);
  });
});
