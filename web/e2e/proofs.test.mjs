// The light client against a lying server, in Debian's Chromium: a second
// instance of the web app whose hongkong-1 REST and RPC go through
// e2e/lying-proxy.mjs. Each lie — (a) a forged document "anchored", (b) a
// bill's holder changed, (c) a genuine answer from before a transfer
// replayed, (d) a header signed by validators that are not the zone's — must
// end in a red "proof failed" and never a green result; the genuine answers
// through the same proxy show green with what was checked. Run by
// scripts/e2e-proofs.sh on the corridor scripts/web-test.sh keeps up.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { LyingProxy } from "./lying-proxy.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run through scripts/e2e-proofs.sh)`);
  return v;
};
const BILL = env("PROOF_BILL"); // a bearer bill on hongkong-1 held by the exporter
const DOC = env("PROOF_DOC_FILE"); // its transport document (anchored on hongkong-1)
const FORGED = env("FORGED_DOC_FILE"); // the same document with one field changed: anchored nowhere
const EXPORTER = env("EXPORTER_ADDR");
const IMPORTER = env("IMPORTER_ADDR");
const PORT = Number(env("PROXY_WEB_PORT"));
const WEB = `http://127.0.0.1:${PORT}`;
const ART = new URL("../artifacts/", import.meta.url).pathname;
mkdirSync(ART, { recursive: true });

const proxy = new LyingProxy({
  rest: env("PROOF_HK_REST"),
  rpc: env("PROOF_HK_RPC"),
  bill: BILL,
  genuineDocHash: env("PROOF_DOC_HASH"),
  holder: EXPORTER,
  otherHolder: IMPORTER,
});
let browser, page, web;
const timings = [];

before(async () => {
  const p = await proxy.start();
  // The web app as built, served like start_web does, its hongkong-1 behind the proxy.
  web = spawn(process.execPath, [new URL("../node_modules/vite/bin/vite.js", import.meta.url).pathname, "preview", new URL("..", import.meta.url).pathname, "--strictPort", "--port", String(PORT)], {
    env: { ...process.env, HK_REST_URL: p.rest, HK_RPC_URL: p.rpc, SH_REST_URL: env("PROOF_SH_REST"), SH_RPC_URL: env("PROOF_SH_RPC"), WEB_PORT: String(PORT) },
    stdio: "ignore",
  });
  for (let i = 0; i < 80; i++) {
    if (await fetch(`${WEB}/trust-roots.json`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  if (web?.pid) process.kill(web.pid);
  await proxy.stop();
  if (timings.length) writeFileSync(`${ART}proof-timings.json`, JSON.stringify(timings, null, 2));
  writeFileSync(`${ART}proof-proxy-log.txt`, proxy.log.join("\n") + "\n");
});

const shot = (name) => page.screenshot({ path: `${ART}${name}.png`, fullPage: true });

/** Nothing green on the page: no proved proof, no green verdict, no holder shown. */
async function neverGreen() {
  assert.equal(await page.locator('[data-testid="proof"][data-state="proved"]').count(), 0, "a proof shows as proved");
  assert.equal(await page.locator(".verdict.ok").count(), 0, "a green verdict is shown");
  assert.equal(await page.getByTestId("holder").count(), 0, "a holder is shown");
}

// Each look is a fresh page, as a verifier opening the app: nothing of the
// previous answer is in memory but what the browser stored (its verified height).
async function verifyFile(path) {
  await page.goto("about:blank");
  await page.goto(`${WEB}/#/`);
  await page.getByTestId("verify-file").setInputFiles(path);
  await page.getByTestId("verdict").waitFor();
}

async function openBill() {
  await page.goto("about:blank");
  await page.goto(`${WEB}/#/bill/${BILL}`);
  await page.getByTestId("proof").waitFor();
}

async function failed(why) {
  const p = page.locator('[data-testid="proof"][data-state="failed"]').first();
  await p.waitFor();
  const text = await p.textContent();
  assert.match(text, /proof failed/);
  if (why) assert.match(text, why);
  await neverGreen();
  return text;
}

test("genuine answers through the proxy are proved: the document is anchored, the bill's holder shown, with what was checked", async () => {
  proxy.mode = "pass";
  proxy.record = true; // (c) keeps these genuine answers to replay after the transfer
  // A fresh page each time, as a verifier opening the app: its light client
  // starts from the trust root. proof_ms: what the proofs add after the REST
  // answers are in (the wait a page without proofs would not have).
  for (let i = 0; i < 6; i++) {
    await page.goto("about:blank");
    await verifyFile(DOC);
    const verdict = page.getByTestId("verdict");
    assert.equal(await verdict.getAttribute("data-state"), "anchored");
    await page.getByTestId("bill-summary").waitFor();
    await page.getByTestId("holder").waitFor();
    timings.push({ what: "verify page: document on both zones and its bill", total_ms: Number(await verdict.getAttribute("data-total-ms")), proof_ms: Number(await verdict.getAttribute("data-proof-ms")) });
  }
  const proof = page.locator('[data-testid="proof"][data-state="proved"]').first();
  assert.match(await proof.textContent(), /proved against hongkong-1's validators at height \d+: 1 of 1 signatures/);
  await shot("proof-genuine-verify");

  await openBill();
  assert.equal(await page.getByTestId("proof").getAttribute("data-state"), "proved");
  assert.equal(await page.getByTestId("holder").getAttribute("data-address"), EXPORTER);
  assert.match(await page.getByTestId("proof").textContent(), /proved against hongkong-1's validators at height \d+: 1 of 1 signatures/);
  await shot("proof-genuine-bill");
  proxy.record = false;
});

test("(a) the proxy answers 'anchored' for a forged document: proof failed", async () => {
  proxy.mode = "forge-document";
  await verifyFile(FORGED);
  assert.equal(await page.getByTestId("verdict").getAttribute("data-state"), "proof-failed");
  const why = await failed();
  assert.match(why, /hongkong-1/);
  await shot("proof-lie-a-forged-document");
});

test("(b) the proxy changes the bill's holder: proof failed, no holder shown", async () => {
  proxy.mode = "change-holder";
  await openBill();
  await failed(/IAVL proof does not hold|app hash|does not match/);
  await page.getByTestId("holder-unproven").waitFor();
  await shot("proof-lie-b-holder-changed");
});

test("(c) after a transfer, the proxy replays the genuine answer from before it: proof failed", async () => {
  // The exporter transfers the bill to the importer (the CLI, on the real zone).
  execFileSync("bash", ["-c", env("TRANSFER_CMD")], { stdio: "inherit" });
  // The query alone replayed, with today's header: the heights do not meet.
  proxy.mode = "replay-query";
  await openBill();
  await failed(/answered for height|does not match|app hash/);
  await shot("proof-lie-c1-replayed-query");

  // The genuine present, once: the browser's light client now knows a later height.
  proxy.mode = "pass";
  await openBill();
  assert.equal(await page.getByTestId("proof").getAttribute("data-state"), "proved");
  assert.equal(await page.getByTestId("holder").getAttribute("data-address"), IMPORTER);

  // Everything replayed — header, validators, proof and REST from before the transfer.
  proxy.mode = "replay-all";
  await openBill();
  await failed(/older state is being replayed|ago: an answer that old/);
  await shot("proof-lie-c2-replayed-state");
});

test("(d) the proxy serves a header signed by a validator set that is not the zone's: proof failed", async () => {
  proxy.mode = "foreign-validators";
  await openBill();
  await failed(/validators/);
  assert.ok(proxy.forged, "the proxy served its forged header");
  await shot("proof-lie-d-foreign-validators");
  proxy.mode = "pass";
});

test("a proof bundle from the CLI verifies offline on the verify page; a tampered one fails", async () => {
  proxy.mode = "down"; // hongkong-1 unreachable: the bundle needs no zone
  const bundle = JSON.parse(readFileSync(env("PROOF_BUNDLE"), "utf8"));
  const dir = `${ART}../.bundles/`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}bill.json`, JSON.stringify(bundle));
  await verifyFile(`${dir}bill.json`);
  const verdict = page.getByTestId("verdict");
  assert.equal(await verdict.getAttribute("data-state"), "bundle-proved");
  assert.equal(await page.getByTestId("bundle-holder").textContent(), EXPORTER);
  assert.match(await page.getByTestId("proof").textContent(), /proved against hongkong-1's validators at height \d+: 1 of 1 signatures/);
  await shot("proof-bundle-offline");

  const record = Buffer.from(bundle.record, "base64").toString("latin1").replaceAll(EXPORTER, IMPORTER);
  writeFileSync(`${dir}bill-tampered.json`, JSON.stringify({ ...bundle, record: Buffer.from(record, "latin1").toString("base64") }));
  await verifyFile(`${dir}bill-tampered.json`);
  assert.equal(await page.getByTestId("verdict").getAttribute("data-state"), "proof-failed");
  await failed(/record/);
  await shot("proof-bundle-tampered");
  proxy.mode = "pass";
});
