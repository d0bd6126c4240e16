/** Recent ECG exams with status, live-refreshed, and the upload of files from any electrocardiograph. */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Segmented, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import { useAuth, useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import './i18n';
import type { EcgExamSummary } from './types';

const PAGE = 20;

interface UploadAnswer {
  results: { ok: boolean; file: string; examId?: string; duplicate?: boolean; error?: string }[];
}

export function EcgListPage() {
  const { t } = useTranslation();
  const tz = useOrgTimeZone();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const canUpload = useAuth().can('ecg.acquire');
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState<'all' | 'unmatched' | 'critical'>('all');
  const [uploading, setUploading] = useState(false);
  const list = useRemote(
    (signal) =>
      get<{ items: EcgExamSummary[]; total: number }>(
        '/api/ecgs',
        {
          limit: PAGE,
          offset: (page - 1) * PAGE,
          ...(filter === 'unmatched' ? { matched: false } : {}),
          ...(filter === 'critical' ? { critical: true } : {}),
        },
        signal,
      ),
    [page, filter],
  );

  const uploadFiles = async (files: File[]) => {
    setUploading(true);
    try {
      const form = new FormData();
      for (const f of files) form.append('file', f, f.name);
      const res = await fetch('/api/ecgs', { method: 'POST', body: form, credentials: 'same-origin' });
      const body = (await res.json()) as UploadAnswer & { issue?: { diagnostics?: string }[] };
      if (!res.ok) {
        message.error(body.issue?.map((i) => i.diagnostics).join('；') ?? res.statusText);
        return;
      }
      const ok = body.results.filter((r) => r.ok);
      const failed = body.results.filter((r) => !r.ok);
      if (ok.length) message.success(t('ecgViewer.uploaded', { n: ok.length }));
      for (const f of failed) message.error(`${f.file}: ${f.error}`);
      list.reload();
      if (ok.length === 1 && ok[0].examId) navigate(`/ecgs/${ok[0].examId}`);
    } finally {
      setUploading(false);
    }
  };

  return (
    <PageContainer
      title={t('ecgViewer.listTitle')}
      extra={
        canUpload && (
          <Upload
            multiple
            showUploadList={false}
            beforeUpload={(_file, fileList) => {
              // Called once per file; upload the whole selection once, on its last file.
              if (_file === fileList[fileList.length - 1]) void uploadFiles(fileList as unknown as File[]);
              return false;
            }}
          >
            <Button
              type="primary"
              icon={<UploadOutlined />}
              loading={uploading}
              title={t('ecgViewer.uploadHint')}
              data-testid="ecg-upload"
            >
              {t('ecgViewer.upload')}
            </Button>
          </Upload>
        )
      }
    >
      <Segmented
        style={{ marginBottom: 12 }}
        value={filter}
        onChange={(v) => {
          setFilter(v as typeof filter);
          setPage(1);
        }}
        options={[
          { value: 'all', label: t('ecgViewer.all') },
          { value: 'unmatched', label: t('ecgViewer.unmatched') },
          { value: 'critical', label: t('ecgViewer.critical') },
        ]}
      />
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<EcgExamSummary>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        onRow={(r) => ({ onDoubleClick: () => navigate(`/ecgs/${r.id}`), 'data-testid': 'ecg-row' }) as never}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          {
            title: t('ecgViewer.acquiredAt'),
            render: (_, r) => (
              <Link to={`/ecgs/${r.id}`}>{formatInstant(r.acquiredAt ?? r.receivedAt, tz, 'minute')}</Link>
            ),
          },
          {
            title: t('ecgViewer.patient'),
            render: (_, r) =>
              r.patientId ? (
                <Link to={`/patients/${r.patientId}`}>{r.patientName ?? r.patientId.slice(0, 8)}</Link>
              ) : (
                <Tag color="orange">{t('ecgViewer.unmatched')}</Tag>
              ),
          },
          {
            title: t('ecgViewer.status'),
            render: (_, r) => (
              <>
                <Tag color={r.status === 'analysed' ? 'green' : r.status === 'acquired' ? 'blue' : 'red'}>
                  {t(`ecgViewer.status_${r.status}`, { defaultValue: r.status })}
                </Tag>
                {r.critical && <Tag color="red">{t('ecgViewer.critical')}</Tag>}
              </>
            ),
          },
          { title: t('ecgViewer.channel'), dataIndex: 'channel' },
          { title: t('ecgViewer.device'), render: (_, r) => r.deviceName ?? '—' },
          { title: t('ecgViewer.format'), dataIndex: 'format' },
          {
            title: t('ecgViewer.leads'),
            render: (_, r) => `${r.leads.length} · ${r.sampleRate} Hz · ${r.durationSec.toFixed(0)} s`,
          },
        ]}
      />
    </PageContainer>
  );
}

export default EcgListPage;
