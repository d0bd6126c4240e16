/** Saved searches (per user) and the research export button of the search screen. */
import { App, Button, Checkbox, Dropdown, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { deleteSaved, listSaved, researchExport, type SearchFilters, saveSearch } from './api';

export function SavedSearches({
  current,
  onPick,
}: {
  current: SearchFilters;
  onPick: (f: SearchFilters) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const saved = useRemote((signal) => listSaved(signal), []);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const save = async () => {
    try {
      await saveSearch(name.trim(), current);
      message.success(t('search.savedDone'));
      setNaming(false);
      setName('');
      saved.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <>
      <Dropdown
        menu={{
          items: (saved.data ?? []).map((s) => ({
            key: s.id,
            label: (
              <Space>
                <span data-testid="saved-search">{s.name}</span>
                <Typography.Link
                  type="danger"
                  onClick={async (e) => {
                    e.stopPropagation();
                    await deleteSaved(s.id);
                    saved.reload();
                  }}
                >
                  {t('search.deleteSaved')}
                </Typography.Link>
              </Space>
            ),
            onClick: () => onPick(s.query),
          })),
        }}
        disabled={!saved.data?.length}
      >
        <Button data-testid="saved-searches">{t('search.saved')}</Button>
      </Dropdown>
      <Button onClick={() => setNaming(true)} data-testid="search-save">
        {t('search.save')}
      </Button>
      <Modal
        open={naming}
        title={t('search.save')}
        onOk={save}
        okButtonProps={{ disabled: !name.trim() }}
        onCancel={() => setNaming(false)}
      >
        <Input
          placeholder={t('search.saveName')}
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          data-testid="search-save-name"
        />
      </Modal>
    </>
  );
}

export function ResearchExportButton({ examIds }: { examIds: string[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [waveforms, setWaveforms] = useState(true);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await researchExport(examIds, purpose.trim(), waveforms);
      setOpen(false);
    } catch (e) {
      message.error(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        onClick={() => (examIds.length ? setOpen(true) : message.info(t('search.selectFirst')))}
        data-testid="research-export"
      >
        {t('search.research')}
      </Button>
      <Modal
        open={open}
        title={t('search.research')}
        onOk={run}
        confirmLoading={busy}
        okButtonProps={{ disabled: purpose.trim().length < 3 }}
        onCancel={() => setOpen(false)}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('search.researchHint', { n: examIds.length })}</Typography.Text>
          <Input
            placeholder={t('search.researchPurpose')}
            value={purpose}
            maxLength={200}
            onChange={(e) => setPurpose(e.target.value)}
          />
          <Checkbox checked={waveforms} onChange={(e) => setWaveforms(e.target.checked)}>
            {t('search.researchWaveforms')}
          </Checkbox>
        </Space>
      </Modal>
    </>
  );
}
