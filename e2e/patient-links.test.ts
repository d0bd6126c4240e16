import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { browserMissing, type E2E, loginAs, startE2E } from './browser';

const skip = browserMissing();

describe('patient links in a real browser', { skip }, () => {
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(() => e2e?.close());

  test('the chief links a county record with a township record of the same person, then unlinks it', async () => {
    const tech = await e2e.ctx.login('ecg.tech');
    const town = await e2e.ctx.login('town.tech');
    const hub = await e2e.ctx.request('POST', '/api/patients', tech, {
      name: '欧阳修远',
      sex: 'M',
      birthDate: '1950-07-01',
      identifiers: [{ type: 'his', value: 'E2E-LINK-HUB' }],
    });
    const township = await e2e.ctx.request('POST', '/api/patients', town, {
      name: '欧阳修远',
      sex: 'M',
      birthDate: '1950-07-01',
      identifiers: [{ type: 'outpatient', value: 'E2E-LINK-TOWN' }],
    });
    assert.equal(hub.statusCode, 200, hub.body);
    assert.equal(township.statusCode, 200, township.body);
    const hubId = hub.json().id;

    const context = await e2e.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await loginAs(page, e2e.base, 'ecg.chief');
    await page.goto(`${e2e.base}/patients/${hubId}`);
    await page.getByTestId('patient-link').click({ timeout: 20000 });
    await page.locator('.ant-modal:visible .ant-select').first().click();
    await page.keyboard.type('E2E-LINK-TOWN');
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '城关镇' })
      .first()
      .click({ timeout: 20000 });
    await page.getByTestId('patient-link-reason').fill('身份证核对为同一人');
    await page.getByTestId('patient-link-save').click();
    const links = page.getByTestId('patient-links');
    await links.waitFor({ timeout: 20000 });
    assert.match(await links.innerText(), /青山县城关镇卫生院[\s\S]*E2E-LINK-TOWN/);

    // Search shows the link on the result.
    await page.goto(`${e2e.base}/patients`);
    await page.getByTestId('patient-search').fill('E2E-LINK-HUB');
    await page.getByTestId('patient-search').press('Enter');
    const tag = page.getByTestId('patient-row').getByTestId('patient-link-tag');
    await tag.waitFor({ timeout: 20000 });
    assert.match(await tag.innerText(), /城关镇卫生院/);

    await page.goto(`${e2e.base}/patients/${hubId}`);
    await page.getByTestId('patient-unlink').click({ timeout: 20000 });
    await page.getByTestId('patient-unlink-reason').fill('关联错误');
    await page.getByTestId('patient-unlink-save').click();
    await links.waitFor({ state: 'detached', timeout: 20000 });
    const rows = await e2e.ctx.pool.query(
      'SELECT unlinked_at IS NOT NULL AS unlinked FROM patient_links WHERE patient_a_id = $1 OR patient_b_id = $1',
      [hubId],
    );
    assert.deepEqual(
      rows.rows.map((r) => r.unlinked),
      [true],
    );
    await context.close();
  });
});
