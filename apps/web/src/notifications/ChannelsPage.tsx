/**
 * Outbound notification channels of the organisation (WeChat Work group robot, HTTP webhook, SMS gateway):
 * create, edit, switch off, and send a test message to see at once whether the URL works.
 */
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../api/client';
import { describeError, formErrorText } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import '../emergency/i18n';

interface Channel {
  id: string;
  kind: 'wecom-robot' | 'webhook' | 'sms';
  name: string;
  enabled: boolean;
  config: { url?: string; urlTemplate?: string; phones?: string[]; retries?: number };
  lastDelivery: { status: string; attempts: number; error: string | null; at: string } | null;
}

function ChannelDialog({
  channel,
  onClose,
  onSaved,
}: {
  channel: Channel | null | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [banner, setBanner] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form);
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const config = {
      ...(v.kind === 'sms' ? { urlTemplate: v.urlTemplate } : { url: v.url }),
      ...(v.phones?.length ? { phones: v.phones } : {}),
      ...(v.retries !== undefined && v.retries !== null ? { retries: v.retries } : {}),
    };
    try {
      if (channel) await patch(`/api/notification-channels/${channel.id}`, { name: v.name, config });
      else await post('/api/notification-channels', { kind: v.kind, name: v.name, config });
      setBanner(null);
      onSaved();
    } catch (e) {
      setBanner(formErrorText(form, e, t));
    }
  };
  return (
    <Modal
      open={channel !== undefined}
      title={t('emergency.channel')}
      onCancel={onClose}
      onOk={submit}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          channel
            ? { kind: channel.kind, name: channel.name, ...channel.config }
            : { kind: 'wecom-robot', retries: 2 }
        }
      >
        <Form.Item name="kind" label={t('emergency.channelKind')}>
          <Select
            disabled={Boolean(channel)}
            options={['wecom-robot', 'webhook', 'sms'].map((k) => ({
              value: k,
              label: t(`emergency.channel_${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('emergency.channelName')} rules={[{ required: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        {kind === 'sms' ? (
          <Form.Item
            name="urlTemplate"
            label="URL"
            extra="{phone} {text} {title}"
            rules={[{ required: true }]}
          >
            <Input placeholder="https://sms.example.cn/send?to={phone}&msg={text}" />
          </Form.Item>
        ) : (
          <Form.Item name="url" label="URL" rules={[{ required: true }]}>
            <Input placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" />
          </Form.Item>
        )}
        <Form.Item name="phones" label={t('emergency.channelPhones')}>
          <Select mode="tags" tokenSeparators={[',', ' ']} />
        </Form.Item>
        <Form.Item name="retries" label={t('emergency.channelRetries')}>
          <InputNumber min={0} max={10} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function ChannelsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useRemote((signal) => get<Channel[]>('/api/notification-channels', undefined, signal), []);
  const [editing, setEditing] = useState<Channel | null | undefined>(undefined);
  const test = async (c: Channel) => {
    try {
      const r = await post<{ ok: boolean; attempts: number; error?: string }>(
        `/api/notification-channels/${c.id}/test`,
      );
      if (r.ok) message.success(t('emergency.channelTestOk'));
      else message.error(t('emergency.channelTestFailed', { error: r.error ?? '' }));
      list.reload();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };
  const toggle = async (c: Channel, enabled: boolean) => {
    await patch(`/api/notification-channels/${c.id}`, { enabled }).catch((e) =>
      message.error(describeError(e, t)),
    );
    list.reload();
  };
  return (
    <PageContainer
      title={t('emergency.menuChannels')}
      extra={
        <Button type="primary" onClick={() => setEditing(null)}>
          {t('common.create')}
        </Button>
      }
    >
      {list.error ? <Alert type="error" showIcon title={describeError(list.error, t)} /> : null}
      <Table<Channel>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data}
        pagination={false}
        columns={[
          { title: t('emergency.channelName'), dataIndex: 'name' },
          {
            title: t('emergency.channelKind'),
            dataIndex: 'kind',
            render: (k) => t(`emergency.channel_${k}`),
          },
          {
            title: 'URL',
            render: (_, c) => <code style={{ fontSize: 12 }}>{c.config.url ?? c.config.urlTemplate}</code>,
          },
          {
            title: t('emergency.channelEnabled'),
            render: (_, c) => <Switch size="small" checked={c.enabled} onChange={(v) => toggle(c, v)} />,
          },
          {
            title: t('emergency.channelLast'),
            render: (_, c) =>
              c.lastDelivery ? (
                <Tag color={c.lastDelivery.status === 'sent' ? 'green' : 'red'}>
                  {c.lastDelivery.status}
                  {c.lastDelivery.error ? ` · ${c.lastDelivery.error}` : ''}
                </Tag>
              ) : (
                '—'
              ),
          },
          {
            title: t('common.actions'),
            render: (_, c) => (
              <Space>
                <Button size="small" onClick={() => setEditing(c)}>
                  {t('common.edit')}
                </Button>
                <Button size="small" onClick={() => test(c)}>
                  {t('emergency.channelTest')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <ChannelDialog
        channel={editing}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          list.reload();
        }}
      />
    </PageContainer>
  );
}
