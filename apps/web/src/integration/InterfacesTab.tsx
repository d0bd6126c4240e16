/** Interfaces: inbound senders (MSH-3/MSH-4 → organisation) and outbound destinations of signed results. */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../api/client';
import { describeError } from '../common/errors';
import { useEditDialog } from '../common/useEditDialog';
import { useRemote } from '../common/useRemote';
import './i18n';

export interface Hl7Interface {
  id: string;
  name: string;
  direction: 'inbound' | 'outbound';
  sendingApplication: string | null;
  sendingFacility: string | null;
  host: string | null;
  port: number | null;
  receivingApplication: string | null;
  receivingFacility: string | null;
  active: boolean;
}

type InterfaceForm = Omit<Hl7Interface, 'id'>;

/** Empty inputs are sent as null so a PATCH can clear a facility. */
function toBody(v: InterfaceForm, includeDirection: boolean) {
  const orNull = (s: string | null | undefined) => (s?.trim() ? s.trim() : null);
  return {
    name: v.name.trim(),
    ...(includeDirection && { direction: v.direction }),
    ...(v.direction === 'inbound'
      ? { sendingApplication: orNull(v.sendingApplication), sendingFacility: orNull(v.sendingFacility) }
      : {
          host: orNull(v.host),
          port: v.port ?? null,
          receivingApplication: orNull(v.receivingApplication),
          receivingFacility: orNull(v.receivingFacility),
        }),
    active: v.active,
  };
}

export function InterfacesTab() {
  const { t } = useTranslation();
  const list = useRemote(
    (signal) => get<Hl7Interface[]>('/api/integration/interfaces', undefined, signal),
    [],
  );
  const dialog = useEditDialog<Hl7Interface, InterfaceForm>({
    blank: {
      name: '',
      direction: 'inbound',
      sendingApplication: '',
      sendingFacility: '',
      host: '',
      port: 2575,
      receivingApplication: '',
      receivingFacility: '',
      active: true,
    },
    create: (v) => post('/api/integration/interfaces', toBody(v, true)),
    update: (i, v) => patch(`/api/integration/interfaces/${i.id}`, toBody(v, false)),
    savedText: t('integration.saved'),
    onSaved: () => list.reload(),
  });
  const { form, editing, error, busy, open: openForm } = dialog;
  const direction = Form.useWatch('direction', form);

  return (
    <>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => openForm('new')}
        style={{ marginBottom: 12 }}
        data-testid="interface-create"
      >
        {t('integration.create')}
      </Button>
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<Hl7Interface>
        size="small"
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data}
        pagination={false}
        data-testid="interfaces-list"
        onRow={(i) => ({ style: { opacity: i.active ? 1 : 0.55 } })}
        columns={[
          { title: t('integration.name'), dataIndex: 'name' },
          {
            title: t('integration.direction'),
            key: 'direction',
            render: (_, i) => t(`integration.direction_${i.direction}`),
          },
          {
            title: `${t('integration.sender')} / ${t('integration.destination')}`,
            key: 'peer',
            render: (_, i) =>
              i.direction === 'inbound' ? (
                <code>
                  {i.sendingApplication} / {i.sendingFacility ?? '*'}
                </code>
              ) : (
                <code>
                  {i.host}:{i.port} ({i.receivingApplication ?? ''}/{i.receivingFacility ?? ''})
                </code>
              ),
          },
          {
            title: t('integration.active'),
            key: 'active',
            render: (_, i) => (
              <Tag color={i.active ? 'success' : 'default'}>
                {i.active ? t('integration.on') : t('integration.off')}
              </Tag>
            ),
          },
          {
            title: '',
            key: 'edit',
            render: (_, i) => (
              <Button size="small" onClick={() => openForm(i)}>
                {t('integration.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        {...dialog.modalProps}
        title={editing === 'new' ? t('integration.create') : t('integration.edit')}
        okButtonProps={{ loading: busy, 'data-testid': 'interface-save' }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('integration.name')}
            rules={[{ required: true, whitespace: true, max: 100 }]}
          >
            <Input data-testid="interface-name" />
          </Form.Item>
          <Form.Item name="direction" label={t('integration.direction')}>
            <Select
              disabled={editing !== 'new'}
              options={['inbound', 'outbound'].map((d) => ({
                value: d,
                label: t(`integration.direction_${d}`),
              }))}
            />
          </Form.Item>
          {direction === 'inbound' ? (
            <>
              <Form.Item
                name="sendingApplication"
                label={t('integration.sendingApplication')}
                rules={[{ required: true, whitespace: true, max: 64 }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="sendingFacility"
                label={t('integration.sendingFacility')}
                rules={[{ max: 64 }]}
              >
                <Input />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item
                name="host"
                label={t('integration.host')}
                rules={[{ required: true, whitespace: true, max: 255 }]}
              >
                <Input />
              </Form.Item>
              <Form.Item name="port" label={t('integration.port')} rules={[{ required: true }]}>
                <InputNumber min={1} max={65535} />
              </Form.Item>
              <Form.Item
                name="receivingApplication"
                label={t('integration.receivingApplication')}
                rules={[{ max: 64 }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="receivingFacility"
                label={t('integration.receivingFacility')}
                rules={[{ max: 64 }]}
              >
                <Input />
              </Form.Item>
            </>
          )}
          <Form.Item name="active" label={t('integration.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
