import { chromium } from "playwright-core";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage(); page.on("console", (m) => m.text().startsWith("T ") && console.log(m.text()));
for (let i = 0; i < 6; i++) {
  await page.goto("about:blank");
  await page.goto("http://127.0.0.1:5173/#/");
  await page.getByTestId("verify-file").setInputFiles(process.argv[2]);
  const v = page.getByTestId("verdict");
  await v.waitFor();
  await page.getByTestId("holder").waitFor();
  console.log(await v.getAttribute("data-state"), await v.getAttribute("data-total-ms"), await v.getAttribute("data-proof-ms"));
}
await browser.close();
