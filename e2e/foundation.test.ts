import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';

const skip = browserMissing();

describe('foundation in a real browser', { skip }, () => {
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(() => e2e?.close());

  test('a technician logs in, finds a patient by pinyin initials and opens the page', async () => {
    // A patient of the demo network with initials that only a few patients share.
    const { rows } = await e2e.ctx.pool.query(
      `SELECT p.id, p.name, p.name_initials FROM patients p JOIN organizations o ON o.id = p.organization_id
       WHERE o.code = 'QSX-RMYY' AND length(p.name_initials) = 3 ORDER BY p.name_pinyin LIMIT 1`,
    );
    const target = rows[0];
    const context = await e2e.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await loginAs(page, e2e.base, 'ecg.tech');
    assert.match(await page.getByTestId('server-clock').innerText(), /^\d{2}:\d{2}:\d{2}$/);
    await page.goto(`${e2e.base}/patients`);
    await page.getByTestId('patient-search').fill(target.name_initials);
    await page.getByTestId('patient-search').press('Enter');
    const row = page.getByTestId('patient-row').filter({ hasText: target.name }).first();
    await row.waitFor({ timeout: 10000 });
    await row.dblclick();
    await page.waitForURL(`**/patients/${target.id}`);
    // The page has loaded when the patient's national ID field is shown, masked (never the full number).
    const nationalId = page.getByTestId('patient-national-id');
    await nationalId.waitFor({ timeout: 15000 });
    assert.match(await nationalId.innerText(), /\*{10}/);
    await page.getByText(target.name).first().waitFor();
    const body = await page.locator('body').innerText();
    assert.ok(body.includes(target.name), 'patient name on the page');
    assert.doesNotMatch(body, /\d{17}[\dX]/, 'no full national ID on the page');
    await context.close();
  });

  test('an admin creates a user who can then log in', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await loginAs(page, e2e.base, 'admin');
    await page.goto(`${e2e.base}/admin/users`);
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-username').fill('e2e.doctor');
    await page.getByTestId('user-displayname').fill('端到端 医师');
    await page.getByTestId('user-password').fill('E2e-Strong-Pass-1');
    // Pick the role, and check the select really holds it (a click can land while the dropdown still animates).
    const roles = page.getByTestId('user-roles');
    for (let attempt = 0; attempt < 3 && !(await roles.innerText()).includes('心电图医师'); attempt++) {
      await roles.click();
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .filter({ hasText: '心电图医师' })
        .first()
        .click();
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
    assert.match(await roles.innerText(), /心电图医师/);
    const org = page.getByTestId('user-org');
    for (let attempt = 0; attempt < 3 && !(await org.innerText()).includes('青山县人民医院'); attempt++) {
      await org.click();
      await page.locator('.ant-select-dropdown:visible').getByText('青山县人民医院').first().click();
      await page.waitForTimeout(300);
    }
    assert.match(await org.innerText(), /青山县人民医院/);
    await page.getByTestId('user-save').click();
    try {
      await page.getByRole('cell', { name: 'e2e.doctor' }).first().waitFor({ timeout: 10000 });
    } catch (err) {
      await page.screenshot({ path: '/tmp/e2e-user-create.png' });
      throw err;
    }
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await loginAs(page, e2e.base, 'e2e.doctor', 'E2e-Strong-Pass-1');
    const me = (await page.evaluate(async () => (await fetch('/api/auth/me')).json())) as {
      username: string;
      roles: string[];
    };
    assert.equal(me.username, 'e2e.doctor');
    assert.deepEqual(me.roles, ['ecg_physician']);
    await context.close();
  });
});
