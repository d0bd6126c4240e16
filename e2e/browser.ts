/**
 * Shared set-up for end-to-end tests: the real server on a fresh test database, serving the built web app, and
 * headless Debian Chromium driven by playwright-core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../apps/server/test/helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoRoot = new URL('..', import.meta.url).pathname;
export const WEB_DIST = `${repoRoot}apps/web/dist`;

/** Reason to skip, or undefined when the browser is there. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `needs Chromium at ${CHROMIUM} (apt-get install chromium)`;
}

/** Builds the web app when no build is present, so `npm test` works right after `npm ci`. */
export function ensureWebBuild(): void {
  if (existsSync(`${WEB_DIST}/index.html`)) return;
  const r = spawnSync('npm', ['run', 'build', '-w', '@lifeline/web'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`web build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface E2E {
  ctx: TestContext;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  ensureWebBuild();
  const ctx = await createTestContext({ webDist: WEB_DIST });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as { port: number };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    ctx,
    base: `http://127.0.0.1:${port}`,
    browser,
    async close() {
      await browser.close();
      await ctx.close();
    },
  };
}

export async function loginAs(
  page: Page,
  base: string,
  username: string,
  password = TEST_PASSWORD,
): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('server-clock').waitFor({ timeout: 15000 });
}

/**
 * Puts a date or date-time into an Ant Design picker and commits it. Typing alone leaves the value pending while the
 * popup is open (a showTime picker waits for its OK button), and a busy machine can drop keystrokes, so the text is
 * filled at once, committed with OK or Enter, the popup is closed, and the input must hold the text afterwards.
 */
export async function setPickerText(page: Page, testId: string, text: string): Promise<void> {
  const input = page
    .getByTestId(testId)
    .locator('input')
    .or(page.locator(`input[data-testid="${testId}"]`))
    .first();
  const popup = page.locator('.ant-picker-dropdown:visible');
  // Escape would close a surrounding modal dialog as well; there, Tab moves on and the popup closes with the blur.
  const inModal = await input.evaluate((el) => el.closest('.ant-modal') !== null);
  for (let attempt = 0; attempt < 4; attempt++) {
    await input.click();
    await input.fill(text);
    const ok = popup.locator('.ant-picker-ok button');
    if ((await ok.count()) > 0 && (await ok.first().isEnabled())) await ok.first().click();
    else await input.press('Enter');
    if (await popup.count()) await input.press(inModal ? 'Tab' : 'Escape').catch(() => {});
    await popup.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    if ((await input.inputValue()) === text) return;
  }
  throw new Error(`picker ${testId} does not keep "${text}" (holds "${await input.inputValue()}")`);
}
