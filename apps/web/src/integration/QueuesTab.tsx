/**
 * The two queues an interface admin watches: inbound messages (with errors and refusals, reprocess after a fix)
 * and the outbox (error queue: edit the message and replay it).
 */
import { Alert, App, Button, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api/client';
import { useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import './i18n';

interface InboundMessage {
  id: string;
  sendingApplication: string | null;
  sendingFacility: string | null;
  controlId: string | null;
  messageType: string | null;
  receivedAt: string;
  status: string;
  ackCode: string | null;
  error: string | null;
  warnings: string[];
  raw?: string;
  charset?: string | null;
  remoteAddress?: string | null;
  /** Bytes of the frame as received (null: none stored, e.g. messages from before they were kept). */
  rawBytesLength: number | null;
  /** Hex of the first bytes, on a single message's read. */
  rawBytesHead?: string | null;
}

/** Classic hex dump (offset, 16 bytes, printable ASCII) of the first bytes of a frame. */
function hexDump(hex: string): string {
  const lines: string[] = [];
  for (let off = 0; off < hex.length / 2; off += 16) {
    const bytes = hex.slice(off * 2, off * 2 + 32).match(/../g) ?? [];
    const ascii = bytes
      .map((b) => {
        const c = Number.parseInt(b, 16);
        return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      })
      .join('');
    lines.push(`${off.toString(16).padStart(6, '0')}  ${bytes.join(' ').padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

interface OutboxMessage {
  id: string;
  interfaceName: string | null;
  kind: string;
  resultStatus: 'F' | 'C' | null;
  controlId: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  message?: string;
}

const COLORS: Record<string, string> = {
  applied: 'success',
  sent: 'success',
  duplicate: 'default',
  received: 'processing',
  pending: 'processing',
  error: 'error',
  refused: 'warning',
};

function StatusFilter(props: { statuses: string[]; value?: string; onChange: (v?: string) => void }) {
  const { t } = useTranslation();
  return (
    <Select
      allowClear
      placeholder={t('integration.anyStatus')}
      style={{ width: 160, marginBottom: 12 }}
      value={props.value}
      onChange={props.onChange}
      options={props.statuses.map((s) => ({ value: s, label: t(`integration.status_${s}`) }))}
    />
  );
}

export function MessagesTab() {
  const timeZone = useOrgTimeZone();
  const time = (iso: string | null) => (iso ? formatInstant(iso, timeZone) : '—');
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string>();
  const [open, setOpen] = useState<InboundMessage | null>(null);
  const list = useRemote(
    (signal) =>
      get<{ items: InboundMessage[]; total: number }>(
        '/api/integration/messages',
        { status, limit: 100 },
        signal,
      ),
    [status],
  );
  const view = async (id: string) => setOpen(await get<InboundMessage>(`/api/integration/messages/${id}`));
  const reprocess = async (id: string) => {
    try {
      const after = await post<InboundMessage>(`/api/integration/messages/${id}/reprocess`);
      message.success(`${t('integration.reprocessed')}: ${t(`integration.status_${after.status}`)}`);
      setOpen(after);
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <>
      <StatusFilter
        statuses={['applied', 'duplicate', 'error', 'refused', 'received']}
        value={status}
        onChange={setStatus}
      />
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<InboundMessage>
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items}
        pagination={false}
        data-testid="messages-list"
        columns={[
          { title: t('integration.receivedAt'), key: 'at', render: (_, m) => time(m.receivedAt) },
          {
            title: t('integration.sender'),
            key: 's',
            render: (_, m) => `${m.sendingApplication ?? '?'}/${m.sendingFacility ?? ''}`,
          },
          { title: t('integration.type'), dataIndex: 'messageType' },
          { title: t('integration.controlId'), dataIndex: 'controlId' },
          {
            title: t('integration.status'),
            key: 'status',
            render: (_, m) => <Tag color={COLORS[m.status]}>{t(`integration.status_${m.status}`)}</Tag>,
          },
          { title: t('integration.error'), key: 'e', render: (_, m) => m.error ?? m.warnings.join('; ') },
          {
            title: '',
            key: 'actions',
            render: (_, m) => (
              <Space>
                <Button size="small" onClick={() => void view(m.id)}>
                  {t('integration.view')}
                </Button>
                {(m.status === 'error' || m.status === 'refused') && (
                  <Button size="small" onClick={() => void reprocess(m.id)}>
                    {t('integration.reprocess')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={open !== null}
        title={t('integration.raw')}
        footer={null}
        width={900}
        onCancel={() => setOpen(null)}
      >
        {open?.error && <Alert type="error" showIcon title={open.error} style={{ marginBottom: 8 }} />}
        <pre style={{ whiteSpace: 'pre-wrap', maxHeight: 480, overflow: 'auto' }}>
          {open?.raw?.replace(/\r/g, '\n')}
        </pre>
        {open && (
          <div data-testid="raw-bytes">
            <Space style={{ marginBottom: 8 }} wrap>
              <span>
                {open.rawBytesLength === null
                  ? t('integration.noRawBytes')
                  : t('integration.rawBytes', { n: open.rawBytesLength, charset: open.charset ?? '—' })}
              </span>
              {open.remoteAddress && <span>{t('integration.from', { address: open.remoteAddress })}</span>}
              {open.rawBytesLength !== null && (
                <Button
                  size="small"
                  href={`/api/integration/messages/${open.id}/raw`}
                  data-testid="raw-download"
                >
                  {t('integration.downloadRaw')}
                </Button>
              )}
            </Space>
            {open.rawBytesHead && (
              <pre
                style={{ fontSize: 12, maxHeight: 240, overflow: 'auto', background: '#fafafa', padding: 8 }}
              >
                {hexDump(open.rawBytesHead)}
                {open.rawBytesLength !== null && open.rawBytesLength * 2 > open.rawBytesHead.length
                  ? '\n…'
                  : ''}
              </pre>
            )}
          </div>
        )}
      </Modal>
    </>
  );
}

export function OutboxTab() {
  const timeZone = useOrgTimeZone();
  const time = (iso: string | null) => (iso ? formatInstant(iso, timeZone) : '—');
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string>();
  const [open, setOpen] = useState<OutboxMessage | null>(null);
  const [text, setText] = useState('');
  const list = useRemote(
    (signal) =>
      get<{ items: OutboxMessage[]; total: number }>(
        '/api/integration/outbox',
        { status, limit: 100 },
        signal,
      ),
    [status],
  );
  const view = async (id: string) => {
    const row = await get<OutboxMessage>(`/api/integration/outbox/${id}`);
    setOpen(row);
    setText((row.message ?? '').replace(/\r/g, '\n'));
  };
  const replay = async () => {
    if (!open) return;
    try {
      const edited = text.replace(/\n/g, '\r');
      await post(
        `/api/integration/outbox/${open.id}/replay`,
        edited === open.message ? {} : { message: edited },
      );
      message.success(t('integration.replayed'));
      setOpen(null);
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  const runNow = async () => {
    try {
      const r = await post<{ sent: number; failed: number }>('/api/integration/outbox/run');
      message.info(t('integration.ran', r));
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  return (
    <>
      <Space style={{ marginBottom: 0 }}>
        <StatusFilter statuses={['pending', 'sent', 'error']} value={status} onChange={setStatus} />
        <Button onClick={() => void runNow()} style={{ marginBottom: 12 }}>
          {t('integration.runNow')}
        </Button>
      </Space>
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<OutboxMessage>
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items}
        pagination={false}
        data-testid="outbox-list"
        columns={[
          { title: t('integration.createdAt'), key: 'at', render: (_, m) => time(m.createdAt) },
          { title: t('integration.interface'), dataIndex: 'interfaceName' },
          {
            title: t('integration.controlId'),
            key: 'c',
            render: (_, m) => `${m.controlId}${m.resultStatus ? ` (${m.resultStatus})` : ''}`,
          },
          {
            title: t('integration.status'),
            key: 'status',
            render: (_, m) => <Tag color={COLORS[m.status]}>{t(`integration.status_${m.status}`)}</Tag>,
          },
          { title: t('integration.attempts'), dataIndex: 'attempts' },
          {
            title: t('integration.nextAttempt'),
            key: 'n',
            render: (_, m) => (m.status === 'pending' ? time(m.nextAttemptAt) : time(m.sentAt)),
          },
          { title: t('integration.error'), dataIndex: 'lastError' },
          {
            title: '',
            key: 'actions',
            render: (_, m) => (
              <Button size="small" onClick={() => void view(m.id)}>
                {m.status === 'sent' ? t('integration.view') : t('integration.replay')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={open !== null}
        title={open?.status === 'sent' ? t('integration.view') : t('integration.replay')}
        width={900}
        onCancel={() => setOpen(null)}
        onOk={() => void replay()}
        okText={t('integration.replay')}
        okButtonProps={{ disabled: open?.status === 'sent', 'data-testid': 'outbox-replay' }}
      >
        {open?.lastError && (
          <Alert type="error" showIcon title={open.lastError} style={{ marginBottom: 8 }} />
        )}
        <Alert type="info" title={t('integration.replayHint')} style={{ marginBottom: 8 }} />
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={16}
          readOnly={open?.status === 'sent'}
          style={{ fontFamily: 'monospace' }}
        />
      </Modal>
    </>
  );
}
