// A bill's life outside the corridor on its page (issue 37, point 8), in
// Debian's Chromium (playwright-core) against the shared corridor after the
// demo and the DCSA fault suite (scripts/web-test.sh): both zones, their
// DCSA gateways, the stand-in platform WAVE and the validating proxies up.
// Bills are found by asking the zones (imported_from, status, history), not
// by id. The test
//   1. opens a bill imported over PINT: the transfer chain (platform, each
//      entry's action, actor, recipient) with every entry's checksum computed
//      in the browser equal to the one in the bill's IMPORTED history entry;
//      a tampered entry in the zone's answer is shown as not matching;
//   2. has the carrier issue a fresh bill through the gateway's Issuance API
//      and exports it to WAVE from the bill page (MsgExportBill signed in
//      the browser as the exporter), follows it until WAVE's signed
//      answer makes it an EXPORTED tombstone, and reads the page: "left the
//      corridor to platform WAVE", the recipient, RECE re-verified against
//      WAVE's keys on chain, and the envelope the gateway sent (fetched from
//      the gateway) bound to the checksum on chain; a tampered gateway answer
//      is shown as not matching;
//   3. reads the refused exports of the fault suite (BSIG, BENV) with their
//      codes and reasons;
//   4. opens the bill of the fault suite's case 9 (shanghai-1 → WAVE →
//      hongkong-1 → back to shanghai-1 by IBC): the live history verifies,
//      and shanghai-1's archived tombstone is shown, re-hashed to its head and
//      linked to the import that continued it;
//   5. opens the bill of case 10, whose export got no signed answer and was
//      withdrawn by the zone authority: its export reads "withdrawn" with the
//      reason, the bill is back with its holder.
// Screenshots go to web/artifacts/dcsa-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run through scripts/web-test.sh)`);
  return v;
};
const WEB = env("WEB_URL");
const KEYS = { [env("EXPORTER_ADDR")]: env("EXPORTER_MNEMONIC"), [env("IMPORTER_ADDR")]: env("IMPORTER_MNEMONIC") };
const ZONES = ["hongkong-1", "shanghai-1"];
const ART = new URL("../artifacts/", import.meta.url).pathname;
mkdirSync(ART, { recursive: true });

const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");

async function rest(zone, path) {
  const r = await fetch(`${WEB}/zone/${zone}/rest${path}`);
  if (!r.ok) throw new Error(`${zone} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
async function allBills(zone) {
  const out = [];
  let key = "";
  for (let i = 0; i < 50; i++) {
    const r = await rest(zone, `/tradechain/cargo/v1/bills?pagination.limit=100${key ? `&pagination.key=${encodeURIComponent(key)}` : ""}`);
    out.push(...r.bills.map((b) => ({ ...b, zone })));
    key = r.pagination?.next_key ?? "";
    if (!key) break;
  }
  return out;
}
async function history(zone, id) {
  return (await rest(zone, `/tradechain/cargo/v1/bills/${encodeURIComponent(id)}/history?pagination.limit=200`)).entries;
}

let browser, page;
const consoleErrors = [];
let bills = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.setDefaultTimeout(30_000);
  bills = (await Promise.all(ZONES.map(allBills))).flat();
});

after(async () => {
  await browser?.close();
});

const shot = (name) => page.screenshot({ path: `${ART}dcsa-${name}.png`, fullPage: true });

async function openBill(id) {
  await page.goto(`${WEB}/#/bill/${encodeURIComponent(id)}`);
  await page.getByTestId("bill-summary").waitFor();
  await page.getByTestId("pint-panel").waitFor();
  // The panel has read and checked everything once a verdict is shown per section.
  await page.locator("[data-testid=pint-panel] [data-testid=pint-verdict], [data-testid=pint-panel] [data-testid=pint-export-chain-missing]").first().waitFor();
}

async function signIn(secret) {
  const wallet = page.getByTestId("wallet").first();
  if (await wallet.getByRole("button", { name: "Disconnect" }).count()) await wallet.getByRole("button", { name: "Disconnect" }).click();
  await wallet.locator("textarea[name=secret]").fill(secret);
  await wallet.getByRole("button", { name: "Use this key" }).click();
  await wallet.getByText("Signing as").waitFor();
}

test("a bill imported over PINT shows its transfer chain, each entry re-hashed in the browser against the chain's checksums", async () => {
  // A REJECTED_DUPLICATE record (an import the corridor registry refused,
  // e2e-dcsa's DISE cases) is not a bill: its document is not anchored for it.
  const imported = bills.filter((b) => b.imported_from && b.status !== "BILL_STATUS_REJECTED_DUPLICATE");
  assert.ok(imported.length > 0, "the demo imports a bill over PINT: some zone has a bill with imported_from");
  // The zone whose history holds the IMPORTED entry keeps the envelope.
  let pick;
  for (const b of imported) {
    const h = await history(b.zone, b.id);
    const imp = h.filter((e) => e.action === "IMPORTED" && e.chain_id === b.zone);
    if (imp.length) {
      pick = { bill: b, imp };
      break;
    }
  }
  assert.ok(pick, "a bill whose IMPORTED entry was recorded on its zone");
  const { bill, imp } = pick;
  const envelopes = (await rest(bill.zone, `/tradechain/cargo/v1/bills/${encodeURIComponent(bill.id)}/pint_envelopes`)).envelopes;
  const last = imp.at(-1);
  const env0 = envelopes.find((e) => String(e.sequence) === String(last.sequence));
  assert.ok(env0, `${bill.zone} keeps the envelope of ${bill.id}'s IMPORTED entry ${last.sequence}`);
  // Independently of the page: the JWS texts hash to what the history holds.
  assert.deepEqual(env0.transfer_chain.map(sha256), last.pint.entry_checksums);

  await openBill(bill.id);
  const sections = page.getByTestId("pint-import");
  assert.equal(await sections.count(), (await history(bill.zone, bill.id)).filter((e) => e.action === "IMPORTED").length, "one section per IMPORTED entry");
  const section = sections.nth(imp.length - 1);
  assert.equal(await section.getAttribute("data-platform"), last.pint.platform);
  assert.match(await section.locator("h4").textContent(), new RegExp(`Imported from ${last.pint.platform}`));
  const verdict = section.getByTestId("pint-verdict");
  assert.equal(await verdict.getAttribute("data-state"), "verified", await verdict.textContent());
  assert.match(await verdict.textContent(), new RegExp(`✓ ${env0.transfer_chain.length} transfer chain entries verified in this browser`));
  // Every entry's checksum cell: on chain, and the value this test computed.
  const cells = section.getByTestId("pint-checksum");
  assert.equal(await cells.count(), env0.transfer_chain.length);
  for (let i = 0; i < env0.transfer_chain.length; i++) {
    assert.equal(await cells.nth(i).getAttribute("data-state"), "on-chain");
    assert.equal(await cells.nth(i).locator("code").getAttribute("title"), last.pint.entry_checksums[i]);
  }
  // Each transaction: action, actor, recipient. The first is the carrier's
  // ISSUE; the last names the bill's recipient on this corridor.
  const rows = section.getByTestId("pint-entry");
  const actions = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-action")));
  assert.equal(actions[0], "ISSUE");
  assert.ok(actions.includes("TRANSFER"), `a TRANSFER among ${actions}`);
  const lastRow = await rows.last().textContent();
  const lastTx = JSON.parse(Buffer.from(env0.transfer_chain.at(-1).split(".")[1], "base64url").toString()).transactions.at(-1);
  assert.ok(lastRow.includes(lastTx.actor.partyName) && lastRow.includes(lastTx.recipient.partyName), `the last row names ${lastTx.actor.partyName} → ${lastTx.recipient.partyName}: ${lastRow}`);
  // Signatures re-verified here against the platforms' keys on chain.
  const sigs = await section.getByTestId("pint-signature").evaluateAll((cs) => cs.map((c) => c.getAttribute("data-state")));
  assert.ok(sigs.every((s) => s === "verified"), `every entry's signature verified in the browser: ${sigs}`);
  await section.scrollIntoViewIfNeeded();
  await shot("imported");
  await section.screenshot({ path: `${ART}dcsa-imported-chain.png` });

  // The zone lies about one entry (one character of its signature): the
  // browser's checksum no longer matches the history's, and the page says so.
  await page.route("**/pint_envelopes", async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const e of body.envelopes) {
      const s = e.transfer_chain[0];
      e.transfer_chain[0] = s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);
    }
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  await page.getByTestId("pint-panel").waitFor();
  const bad = page.getByTestId("pint-import").nth(imp.length - 1).getByTestId("pint-verdict");
  await bad.waitFor();
  assert.equal(await bad.getAttribute("data-state"), "failed");
  assert.match(await bad.textContent(), /entry 1: hashes to [0-9a-f]{12}…, the chain holds [0-9a-f]{12}…/);
  await page.unroute("**/pint_envelopes");
});

test("a bill exported from its page becomes a tombstone that reads 'left the corridor to platform WAVE', with the signed answer verified", async () => {
  // A fresh bill for the export: the carrier issues it to the exporter on
  // shanghai-1 through the gateway's Issuance API (the gateway keeps the
  // transport document and the carrier's signed manifest an export needs).
  // WAVE has never seen its document, so its answer is WAVE's own.
  const zone = "shanghai-1";
  const exporter = env("EXPORTER_ADDR");
  const own = (await rest(zone, "/tradechain/cargo/v1/ebl_platforms")).own_code;
  const shipper = (await rest(zone, `/tradechain/cargo/v1/parties/${exporter}`)).party;
  const doc = JSON.parse(readFileSync(new URL("../../tools/pintpeer/template/transport-document.json", import.meta.url), "utf8"));
  doc.transportDocumentReference = `COSUWEB${Date.now() % 1e8}`;
  delete doc.documentParties.endorsee;
  const sent = await fetch(`${env("CARRIER_CONTROL_URL")}/control/issue`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      url: env("ISSUANCE_URL"),
      document: doc,
      issueTo: { partyName: shipper.name, sendToPlatform: own, identifyingCodes: [{ codeListProvider: "GLEIF", codeListName: "LEI", partyCode: shipper.lei }] },
    }),
  }).then((r) => r.json());
  assert.equal(sent.status, 204, `the gateway took the issuance request: ${JSON.stringify(sent)}`);
  const id = `${doc.carrierCode}-${doc.transportDocumentReference}`;
  let issued;
  for (let i = 0; i < 90 && issued?.status !== "BILL_STATUS_ISSUED"; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    issued = await rest(zone, `/tradechain/cargo/v1/bills/${id}`).then((r) => r.bill, () => undefined);
  }
  assert.equal(issued?.status, "BILL_STATUS_ISSUED", `${id} issued on ${zone}`);
  assert.equal(issued.holder, exporter);
  const platforms = (await rest(zone, "/tradechain/cargo/v1/ebl_platforms")).platforms.map((p) => p.code);
  assert.ok(platforms.includes("WAVE"), `${zone} trusts WAVE (${platforms})`);

  await page.goto(`${WEB}/#/bill/${encodeURIComponent(id)}`);
  await page.getByTestId("bill-summary").waitFor();
  assert.equal(await page.getByTestId("pint-panel").count(), 0, "a bill never exported or imported has no PINT panel");
  await signIn(KEYS[exporter]);
  const form = page.getByTestId("act-export");
  await form.locator("select[name=platform]").selectOption("WAVE");
  await form.locator("input[name=recipient]").fill("Wave Consignee Ltd");
  await form.locator("input[name=code]").fill("WAVE:WC-1");
  await form.locator("input[name=remark]").fill("sold on to a WAVE customer");
  await form.getByRole("button", { name: `Sign on ${zone}` }).click();
  await page.getByTestId("last-result").getByTestId("tx-result").waitFor({ timeout: 60_000 });
  assert.match(await page.getByTestId("last-result").textContent(), /✓ Done on /);
  // The page follows the export until WAVE's signed answer concludes it.
  const banner = page.locator("[data-testid=left-corridor][data-state=exported]");
  await banner.waitFor({ timeout: 120_000 });
  const b = (await rest(zone, `/tradechain/cargo/v1/bills/${encodeURIComponent(id)}`)).bill;
  assert.equal(b.status, "BILL_STATUS_EXPORTED");
  assert.equal(b.holder, "");
  const text = await banner.textContent();
  assert.match(text, new RegExp(`Left the corridor to platform ${b.export.platform}`));
  assert.ok(text.includes(b.export.recipient_name), `the banner names the recipient ${b.export.recipient_name}: ${text}`);
  assert.match(text, new RegExp(`answered ${b.export.response_code}`));
  assert.match(b.export.response_code, /^(RECE|DUPE)$/);
  // Not a live bill: no holder, no actions, no export form.
  assert.match(await page.getByTestId("holder").textContent(), new RegExp(`nobody in the corridor: held on ${b.export.platform}`));
  assert.equal(await page.getByTestId("act-transfer").count() + (await page.getByTestId("act-endorse").count()) + (await page.getByTestId("act-send").count()), 0);
  assert.equal(await page.getByTestId("act-export").count(), 0);
  assert.match(await page.getByTestId(`location-${zone}`).textContent(), /EXPORTED/);

  // The export's section: platform, recipient, code, time; WAVE's answer
  // re-verified; the envelope from the gateway bound to the chain's checksum.
  const sections = page.locator(`[data-testid=pint-export][data-code=${b.export.response_code}]`);
  const section = sections.last();
  await section.getByTestId("pint-verdict").waitFor();
  assert.equal(await section.getAttribute("data-platform"), b.export.platform);
  assert.equal(await section.getByTestId("pint-recipient").textContent(), b.export.recipient_name);
  assert.equal(await section.getByTestId("pint-answer-code").textContent(), b.export.response_code);
  const answer = section.getByTestId("pint-signed-answer");
  assert.equal(await answer.getAttribute("data-state"), "verified", await answer.textContent());
  assert.ok((await answer.textContent()).includes(b.export.last_entry_checksum.slice(0, 12)));
  const verdict = section.getByTestId("pint-verdict");
  assert.equal(await verdict.getAttribute("data-state"), "verified", await verdict.textContent());
  const cells = section.getByTestId("pint-checksum");
  assert.equal(await cells.last().getAttribute("data-state"), "on-chain");
  assert.equal(await cells.last().locator("code").getAttribute("title"), b.export.last_entry_checksum);
  const lastRow = await section.getByTestId("pint-entry").last().textContent();
  assert.ok(lastRow.includes(b.export.recipient_name), `the last transaction goes to ${b.export.recipient_name}: ${lastRow}`);
  await shot("exported");
  await banner.screenshot({ path: `${ART}dcsa-left-corridor.png` });
  await section.screenshot({ path: `${ART}dcsa-export-section.png` });

  // The gateway lies about the envelope it sent (its last entry): the page
  // finds it does not hash to the checksum on chain.
  await page.route("**/corridor/v1/bills/*/exports", async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const e of body.exports) {
      const n = e.transfer_chain.length - 1;
      if (n >= 0) e.transfer_chain[n] = e.transfer_chain[n].slice(0, -2) + (e.transfer_chain[n].at(-2) === "A" ? "B" : "A") + e.transfer_chain[n].at(-1);
    }
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  const bad = page.locator(`[data-testid=pint-export][data-code=${b.export.response_code}]`).last().getByTestId("pint-verdict");
  await bad.waitFor();
  assert.equal(await bad.getAttribute("data-state"), "failed");
  assert.match(await bad.textContent(), /hashes to [0-9a-f]{12}…, the chain holds/);
  await page.unroute("**/corridor/v1/bills/*/exports");

  // Any other tombstone in the corridor reads the same way — but one whose
  // export the other zone's PINT import continued is not where the bill is:
  // its page shows the bill, live on that zone.
  for (const other of (await Promise.all(ZONES.map(allBills))).flat().filter((x) => x.status === "BILL_STATUS_EXPORTED" && !x.export?.continued_on && x.id !== id)) {
    await page.goto(`${WEB}/#/bill/${encodeURIComponent(other.id)}`);
    const t = await page.locator("[data-testid=left-corridor][data-state=exported]").textContent();
    assert.match(t, new RegExp(`Left the corridor to platform ${other.export.platform}`), `${other.id} on ${other.zone}`);
  }
});

test("refused exports show the receiving platform's code and reason, and the bill came back to its holder", async () => {
  let found;
  for (const b of bills.filter((x) => x.export)) {
    const h = await history(b.zone, b.id);
    const refused = h.filter((e) => e.action === "EXPORT_REFUSED" && e.chain_id === b.zone);
    if (refused.length) {
      found = { b, refused };
      break;
    }
  }
  assert.ok(found, "the DCSA fault suite (scripts/e2e-dcsa.sh) leaves a bill whose exports WAVE refused");
  await openBill(found.b.id);
  for (const r of found.refused) {
    const section = page.locator(`[data-testid=pint-export][data-code=${r.pint.response_code}]`).first();
    await section.waitFor();
    const t = await section.textContent();
    assert.match(t, new RegExp(`Exported from ${found.b.zone} to ${r.pint.platform}`));
    assert.match(t, /refused: /);
    assert.ok(t.includes(r.pint.reason), `the reason "${r.pint.reason}" is shown: ${t}`);
  }
  // The timeline says the same in words.
  const entries = await page.getByTestId("timeline-entry").allTextContents();
  assert.ok(entries.some((t) => /Export refused by the receiving platform/.test(t)), "the timeline names the refusal");
  await page.getByTestId("pint-panel").screenshot({ path: `${ART}dcsa-panel.png` });
  assert.deepEqual(consoleErrors.filter((e) => !/Failed to load resource/.test(e)), [], "no errors in the browser console");
});

test("a bill that came back to the zone that exported it shows that zone's archived history, verified and linked", async () => {
  let found;
  for (const b of bills.filter((x) => x.status === "BILL_STATUS_ISSUED")) {
    const r = await fetch(`${WEB}/zone/${b.zone}/rest/tradechain/cargo/v1/bills/${encodeURIComponent(b.id)}/handed_over`);
    if (r.ok) {
      found = { b, archive: await r.json() };
      break;
    }
  }
  assert.ok(found, "the DCSA fault suite (scripts/e2e-dcsa.sh, case 9) leaves a bill that came back to the zone that exported it");
  const { b, archive } = found;
  await page.goto(`${WEB}/#/bill/${encodeURIComponent(b.id)}`);
  await page.getByTestId("bill-summary").waitFor();
  const card = page.getByTestId("archived-history").first();
  await card.waitFor();
  assert.match(await page.getByTestId("chain-status").first().textContent(), /✓ Hash chain verified/);
  assert.match(await card.getByTestId("archive-link").textContent(), /✓ Linked/);
  assert.match(await card.getByTestId("chain-status").textContent(), new RegExp(`✓ Hash chain verified in this browser: ${archive.history.length} entries`));
  const actions = await card.getByTestId("timeline-entry").allTextContents();
  assert.ok(actions.at(-1).includes("EXPORT_CONTINUED"), `the archive ends where the bill continued elsewhere: ${actions.at(-1)}`);
  await card.screenshot({ path: `${ART}dcsa-archived-history.png` });
});

test("an export withdrawn by the zone authority reads 'withdrawn' with the reason", async () => {
  let found;
  for (const b of bills.filter((x) => x.status === "BILL_STATUS_ISSUED" && x.export)) {
    const w = (await history(b.zone, b.id)).filter((e) => e.action === "EXPORT_WITHDRAWN");
    if (w.length) {
      found = { b, w: w.at(-1) };
      break;
    }
  }
  assert.ok(found, "the DCSA fault suite (scripts/e2e-dcsa.sh, case 10) leaves a bill whose export the zone authority withdrew");
  await openBill(found.b.id);
  const section = page.locator("[data-testid=pint-export][data-code=WITHDRAWN]").first();
  await section.waitFor();
  assert.equal(await section.getByTestId("pint-answer-code").textContent(), "withdrawn");
  const t = await section.getByTestId("pint-answer").textContent();
  assert.match(t, /none signed — the zone authority withdrew the export/);
  assert.ok(t.includes(found.w.pint.reason), `the reason "${found.w.pint.reason}" is shown: ${t}`);
  const entries = await page.getByTestId("timeline-entry").allTextContents();
  assert.ok(entries.some((x) => /Export withdrawn by the zone authority/.test(x)), "the timeline names the withdrawal");
  await section.screenshot({ path: `${ART}dcsa-export-withdrawn.png` });
});
