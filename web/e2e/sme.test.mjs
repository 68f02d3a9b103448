// The SME page (#/sme/ADDRESS, issue 39) in Debian's Chromium on the shared
// corridor, as scripts/e2e-sme.sh prepares it: the exporter (SHPE) has
// granted the Hong Kong bank consent to all its trade data on both zones.
// - a viewer without a live consent is told so on each zone and sees nothing;
// - the bank, with the app's own signer, signs each zone's document store
//   challenge (ADR-036) and sees the track record on both zones, every record
//   proved by the light client (✓), the consent proved;
// - it reads the packing list through Hong Kong's store: the bytes are the
//   exporter's file, their hash checked in the browser, the access record proved;
// - through a lying proxy that changes one bill record, that record's mark
//   says "proof failed" and the others stay verified;
// - after the exporter revokes on hongkong-1, the page shows nothing there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { LyingProxy } from "./lying-proxy.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run through scripts/e2e-sme.sh)`);
  return v;
};
const WEB = env("WEB_URL");
const SME = env("SME_ADDR");
const BILL = env("SME_BILL"); // held by the SME on hongkong-1: the record the proxy changes
const IMPORTER = env("IMPORTER_ADDR");
const PACKING_HASH = env("PACKING_HASH");
const PACKING_FILE = env("PACKING_FILE");
const PORT = Number(env("PROXY_WEB_PORT"));
const ART = new URL("../artifacts/", import.meta.url).pathname;
mkdirSync(ART, { recursive: true });
const HK = "hongkong-1";
const SH = "shanghai-1";

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => {
  await browser?.close();
});

async function openAs(base, secret) {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.setDefaultTimeout(60_000);
  await page.goto(`${base}/#/sme/${SME}`);
  await page.getByTestId("sme-connect").waitFor();
  const wallet = page.getByTestId("wallet").first();
  await wallet.locator("textarea[name=secret]").fill(secret);
  await wallet.getByRole("button", { name: "Use this key" }).click();
  return page;
}

/** Waits until the zone's section has loaded its documents and no record is still being proved; returns the marks. */
async function settled(page, zone) {
  const sec = page.getByTestId(`sme-${zone}`);
  await page.getByTestId(`documents-${zone}`).waitFor();
  for (let i = 0; i < 240; i++) {
    const checking = await sec.locator('[data-testid="record"][data-state="checking"]').count();
    const all = await sec.locator('[data-testid="record"]').count();
    if (all > 0 && checking === 0) break;
    await page.waitForTimeout(500);
  }
  return sec.locator('[data-testid="record"]').evaluateAll((els) => els.map((e) => ({ ref: e.dataset.ref, state: e.dataset.state, text: e.textContent })));
}

test("a viewer without a live consent is told so on each zone and sees nothing private", async () => {
  const page = await openAs(WEB, env("IMPORTER_MNEMONIC"));
  for (const z of [HK, SH]) {
    const sec = page.getByTestId(`sme-${z}`);
    await sec.waitFor();
    assert.equal(await sec.getAttribute("data-state"), "no-consent");
    assert.match(await page.getByTestId(`no-consent-${z}`).textContent(), new RegExp(`No consent of this party to you is live on ${z}`));
  }
  assert.equal(await page.locator('[data-testid="record"]').count(), 0, "a record is shown");
  assert.equal(await page.locator('[data-testid="document"]').count(), 0, "a document is shown");
  assert.equal(await page.locator('[data-testid^="fig-"]').count(), 0, "a figure is shown");
  await page.screenshot({ path: `${ART}sme-no-consent.png`, fullPage: true });
  await page.close();
});

let bankPage;

test("the grantee signs in on both zones (ADR-036, the app's signer) and every record of the track record is proved", async () => {
  const page = (bankPage = await openAs(WEB, env("BANK_MNEMONIC")));
  for (const z of [HK, SH]) {
    await page.getByTestId(`signed-in-${z}`).waitFor();
    assert.match(await page.getByTestId(`signed-in-${z}`).textContent(), /HKBK.*ADR-036 signature of its challenge \(this app's signer\)/);
    const sec = page.getByTestId(`sme-${z}`);
    assert.equal(await sec.getAttribute("data-state"), "signed-in");
    // The consent the page is shown under, proved.
    await sec.locator('[data-testid="consent"] [data-testid="proof"]').first().waitFor();
    assert.ok((await sec.locator('[data-testid="consent"] [data-testid="proof"][data-state="proved"]').count()) >= 1, `no proved consent on ${z}`);
    const marks = await settled(page, z);
    const failed = marks.filter((m) => m.state !== "verified");
    assert.deepEqual(failed, [], `records not verified on ${z}`);
    assert.ok(marks.length >= 2, `${z}: only ${marks.length} records`);
  }
  const hk = await settled(page, HK);
  // The fresh bill the SME holds, a credit (x/tradefinance's store) and an invoice are among the proved records.
  assert.ok(hk.some((m) => m.ref === BILL), `${BILL} is not on the hongkong-1 track record`);
  assert.ok(hk.some((m) => m.ref.startsWith("lc/")), "no credit proved on hongkong-1");
  assert.ok(hk.some((m) => m.ref.startsWith("invoice/")), "no invoice proved on hongkong-1");
  const sh = await settled(page, SH);
  assert.ok(sh.length > 0, "nothing proved on shanghai-1");
  await page.getByTestId(`fig-${HK}-bills_holding_now`).waitFor();
  await page.screenshot({ path: `${ART}sme-track-record.png`, fullPage: true });
});

test("the grantee reads the packing list through Hong Kong's store: hash checked in the browser, access record proved", async () => {
  const page = bankPage;
  const row = page.getByTestId(`sme-${HK}`).locator(`[data-testid="document"][data-hash="${PACKING_HASH}"]`);
  await row.waitFor();
  await row.locator('[data-testid="record"][data-ref="anchor"][data-state="verified"]').waitFor();
  await row.getByTestId("read-document").click();
  const read = row.getByTestId("document-read");
  await read.waitFor();
  assert.equal(await read.getAttribute("data-state"), "hash-ok", await read.textContent());
  assert.match(await read.textContent(), /hash checked in this browser/);
  // The bytes the page holds are the exporter's file.
  const href = await read.getByRole("link", { name: "save" }).getAttribute("href");
  const got = await page.evaluate(async (u) => await (await fetch(u)).text(), href);
  assert.equal(got, readFileSync(PACKING_FILE, "utf8"));
  // The access record the store wrote on chain before releasing it, proved.
  const rec = read.locator('[data-testid="record"]');
  for (let i = 0; i < 120 && (await rec.getAttribute("data-state")) === "checking"; i++) await page.waitForTimeout(500);
  assert.equal(await rec.getAttribute("data-state"), "verified", await rec.textContent());
  assert.match(await rec.textContent(), /access record \d+/);
  await row.screenshot({ path: `${ART}sme-document-read.png` });
  await page.screenshot({ path: `${ART}sme-documents.png`, fullPage: true });
});

test("with Keplr in the browser, the page signs each zone's challenge with Keplr's signArbitrary (one prompt per zone)", async () => {
  // Keplr's injected API as the page sees it; signArbitrary is answered by the
  // bank's key in Node exactly as Keplr makes an ADR-036 signature (the
  // extension itself cannot run in headless CI).
  const bank = await Secp256k1HdWallet.fromMnemonic(env("BANK_MNEMONIC"), { prefix: "trade" });
  const [acct] = await bank.getAccounts();
  const calls = [];
  const ctx = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  await ctx.exposeFunction("__keplrSignArbitrary", async (chainId, signer, data) => {
    calls.push({ chainId, signer, data });
    const doc = {
      chain_id: "", account_number: "0", sequence: "0", fee: { gas: "0", amount: [] }, memo: "",
      msgs: [{ type: "sign/MsgSignData", value: { signer, data: Buffer.from(data, "utf8").toString("base64") } }],
    };
    return (await bank.signAmino(signer, doc)).signature;
  });
  await ctx.addInitScript((address) => {
    window.keplr = {
      experimentalSuggestChain: async () => undefined,
      enable: async () => undefined,
      getOfflineSigner: () => ({ getAccounts: async () => [{ address, algo: "secp256k1", pubkey: new Uint8Array(33) }] }),
      signArbitrary: (chainId, signer, data) => window.__keplrSignArbitrary(chainId, signer, data),
    };
  }, acct.address);
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${WEB}/#/sme/${SME}`);
  await page.getByRole("button", { name: "Connect Keplr" }).click();
  for (const z of [HK, SH]) {
    await page.getByTestId(`signed-in-${z}`).waitFor();
    assert.match(await page.getByTestId(`signed-in-${z}`).textContent(), /Keplr's signArbitrary/);
  }
  assert.deepEqual(calls.map((c) => c.chainId).sort(), [HK, SH], "one signArbitrary per zone");
  for (const c of calls) {
    assert.equal(c.signer, acct.address);
    assert.match(c.data, new RegExp(`^tradechain docstore access\nchain_id: ${c.chainId}\ngateway: trade1`));
  }
  await ctx.close();
});

test("through a lying proxy, the bill record it changes shows 'proof failed' and the others stay verified", async () => {
  const proxy = new LyingProxy({ rest: env("PROOF_HK_REST"), rpc: env("PROOF_HK_RPC"), bill: BILL, genuineDocHash: PACKING_HASH, holder: SME, otherHolder: IMPORTER });
  const p = await proxy.start();
  proxy.mode = "change-holder";
  const WEB2 = `http://127.0.0.1:${PORT}`;
  const web = spawn(process.execPath, [new URL("../node_modules/vite/bin/vite.js", import.meta.url).pathname, "preview", new URL("..", import.meta.url).pathname, "--strictPort", "--port", String(PORT)], {
    env: {
      ...process.env,
      HK_REST_URL: p.rest,
      HK_RPC_URL: p.rpc,
      SH_REST_URL: env("PROOF_SH_REST"),
      SH_RPC_URL: env("PROOF_SH_RPC"),
      HK_GATEWAY_URL: env("HK_GATEWAY_URL"),
      SH_GATEWAY_URL: env("SH_GATEWAY_URL"),
      WEB_PORT: String(PORT),
    },
    stdio: "ignore",
  });
  try {
    for (let i = 0; i < 80; i++) {
      if (await fetch(`${WEB2}/trust-roots.json`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const page = await openAs(WEB2, env("BANK_MNEMONIC"));
    await page.getByTestId(`signed-in-${HK}`).waitFor();
    const marks = await settled(page, HK);
    const lied = marks.filter((m) => m.ref === BILL);
    assert.ok(lied.length >= 1, `${BILL} is not on the page`);
    for (const m of lied) {
      assert.equal(m.state, "failed", `${BILL} shows ${m.state}`);
      assert.match(m.text, /✗ proof failed/);
    }
    const others = marks.filter((m) => m.ref !== BILL);
    assert.ok(others.length > 0 && others.every((m) => m.state === "verified"), `other records: ${JSON.stringify(others.filter((m) => m.state !== "verified"))}`);
    assert.ok(proxy.log.some((l) => l.startsWith("change-holder rpc /abci_query")), "the page's proofs did not go through the proxy");
    await page.getByTestId(`fig-${HK}-bills_holding_now`).screenshot({ path: `${ART}sme-lying-proxy-record.png` });
    await page.screenshot({ path: `${ART}sme-lying-proxy.png`, fullPage: true });
    await page.close();
  } finally {
    web.kill();
    await proxy.stop();
  }
});

test("after the exporter revokes on hongkong-1, the page there shows nothing; shanghai-1's consent still holds", async () => {
  console.log(execFileSync("bash", ["-c", env("REVOKE_CMD")], { encoding: "utf8" }).trim());
  await bankPage.close();
  const page = await openAs(WEB, env("BANK_MNEMONIC"));
  const hk = page.getByTestId(`sme-${HK}`);
  await hk.waitFor();
  assert.equal(await hk.getAttribute("data-state"), "no-consent");
  assert.equal(await hk.locator('[data-testid="record"], [data-testid="document"]').count(), 0);
  await page.getByTestId(`signed-in-${SH}`).waitFor();
  await page.screenshot({ path: `${ART}sme-revoked.png`, fullPage: true });
  await page.close();
});
