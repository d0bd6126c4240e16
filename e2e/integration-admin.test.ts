import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';

const skip = browserMissing();

describe('HL7 interface administration in a real browser', { skip }, () => {
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(() => e2e?.close());

  test('IT registers an inbound HIS sender (a missing MSH-3 is refused on the field), then switches it off', async () => {
    const context = await e2e.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    try {
      await loginAs(page, e2e.base, 'admin');
      await page.goto(`${e2e.base}/admin/integration`);
      await page.getByTestId('interface-create').click({ timeout: 20000 });
      const dialog = page.locator('.ant-modal:visible');
      await page.getByTestId('interface-name').fill('县医院 HIS 东软');
      await page.getByTestId('interface-save').click();
      // The sending application (MSH-3) is required for an inbound sender: the dialog stays, the field says why.
      await dialog
        .locator('.ant-form-item-has-error')
        .filter({ hasText: 'MSH-3' })
        .waitFor({ timeout: 10000 });
      await dialog.getByLabel('发送应用 (MSH-3)').fill('NEUSOFT_HIS');
      await page.getByTestId('interface-save').click();
      await dialog.waitFor({ state: 'detached', timeout: 10000 });
      const row = page.getByTestId('interfaces-list').locator('tr').filter({ hasText: '县医院 HIS 东软' });
      await row.filter({ hasText: 'NEUSOFT_HIS' }).waitFor({ timeout: 10000 });
      assert.match(await row.innerText(), /启用/);

      // antd spaces two-character labels ("编 辑"): the row's only button is its edit button.
      await row.locator('button').last().click();
      const active = page.locator('.ant-modal:visible .ant-switch');
      await active.click();
      // The save below must carry the switched-off state: wait until the switch shows it.
      await page.locator('.ant-modal:visible .ant-switch[aria-checked="false"]').waitFor({ timeout: 5000 });
      await page.getByTestId('interface-save').click();
      await page.locator('.ant-modal:visible').waitFor({ state: 'detached', timeout: 10000 });
      await row.filter({ hasText: '停用' }).waitFor({ timeout: 10000 });

      const { rows } = await e2e.ctx.pool.query(
        `SELECT direction, sending_application, active FROM hl7_interfaces WHERE name = $1`,
        ['县医院 HIS 东软'],
      );
      assert.equal(rows.length, 1, 'stored once');
      assert.equal(rows[0].direction, 'inbound');
      assert.equal(rows[0].sending_application, 'NEUSOFT_HIS');
      assert.equal(rows[0].active, false);
    } catch (err) {
      await page.screenshot({ path: '/tmp/e2e-integration-admin.png' }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
});
