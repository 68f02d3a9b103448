// Run by scripts/web-test.sh after corridor.test.mjs, with shanghai-1's node
// stopped: the app still answers from hongkong-1 and says what it could not
// ask.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const WEB = process.env.WEB_URL;
const DOC = process.env.DOC_FILE;
const ART = new URL("../artifacts/", import.meta.url).pathname;
let browser, page;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
});
after(async () => browser?.close());

async function verifyFile(path) {
  await page.goto(`${WEB}/#/`);
  await page.getByTestId("verify-file").setInputFiles(path);
  await page.getByTestId("verdict").waitFor();
  return page.getByTestId("verdict");
}

test("with shanghai-1 down, the eBL still verifies on hongkong-1, and the page says what it could not ask", async () => {
  const verdict = await verifyFile(DOC);
  assert.equal(await verdict.getAttribute("data-state"), "anchored");
  assert.match(await verdict.textContent(), /shanghai-1 did not answer/);
  await page.getByTestId("unreachable-shanghai-1").waitFor();
  // hongkong-1 holds the whole chain (the entries made on shanghai-1 came with the bill).
  assert.match(await page.getByTestId("chain-status").textContent(), /^✓ Hash chain verified/);
  await page.screenshot({ path: `${ART}zone-down.png`, fullPage: true });
});

test("with shanghai-1 down, an unknown file is not called unanchored", async () => {
  const doc = JSON.parse(readFileSync(DOC, "utf8"));
  doc.transportDocumentReference += "X";
  const other = `${ART}other-ebl.json`;
  writeFileSync(other, JSON.stringify(doc));
  const verdict = await verifyFile(other);
  assert.equal(await verdict.getAttribute("data-state"), "unknown");
  assert.match(await verdict.textContent(), /shanghai-1 did not answer/);
});
