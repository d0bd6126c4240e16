/**
 * Devices admin: the electrocardiographs, Holter recorders and gateways that send ECGs, with the DICOM AE title
 * that identifies a calling device and the drop folder the server watches for its files.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Select, Switch, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../api/client';
import { describeError } from '../common/errors';
import { useEditDialog } from '../common/useEditDialog';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import './i18n';

export interface Device {
  id: string;
  organizationId: string;
  departmentId: string | null;
  name: string;
  kind: string;
  manufacturer: string | null;
  model: string | null;
  aeTitle: string | null;
  dropFolder: string | null;
  active: boolean;
}

type DeviceForm = Omit<Device, 'id' | 'organizationId' | 'departmentId'>;
const KINDS = ['ecg-cart', 'holter', 'monitor', 'gateway', 'other'];

/** Empty inputs mean "none": sent as null so a PATCH can clear an AE title or folder. */
function toBody(v: DeviceForm) {
  const orNull = (s: string | null | undefined) => (s?.trim() ? s.trim() : null);
  return {
    name: v.name.trim(),
    kind: v.kind,
    manufacturer: orNull(v.manufacturer),
    model: orNull(v.model),
    aeTitle: orNull(v.aeTitle),
    dropFolder: orNull(v.dropFolder),
    active: v.active,
  };
}

export function DevicesPage() {
  const { t } = useTranslation();
  const list = useRemote((signal) => get<Device[]>('/api/devices', undefined, signal), []);
  const dialog = useEditDialog<Device, DeviceForm>({
    blank: {
      name: '',
      kind: 'ecg-cart',
      manufacturer: '',
      model: '',
      aeTitle: '',
      dropFolder: '',
      active: true,
    },
    create: (v) => post('/api/devices', toBody(v)),
    update: (d, v) => patch(`/api/devices/${d.id}`, toBody(v)),
    savedText: t('devices.saved'),
    onSaved: () => list.reload(),
  });
  const { form, editing, error, busy, open: openForm } = dialog;

  return (
    <PageContainer
      title={t('devices.title')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => openForm('new')}
          data-testid="device-create"
        >
          {t('devices.create')}
        </Button>
      }
    >
      {list.error !== undefined && <Alert type="error" showIcon title={describeError(list.error, t)} />}
      <Table<Device>
        size="small"
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data}
        pagination={false}
        data-testid="devices-list"
        onRow={(d) => ({
          onDoubleClick: () => openForm(d),
          style: { cursor: 'pointer', opacity: d.active ? 1 : 0.55 },
        })}
        columns={[
          { title: t('devices.name'), dataIndex: 'name' },
          {
            title: t('devices.kind'),
            key: 'kind',
            render: (_, d) => t(`devices.kind_${d.kind}`, { defaultValue: d.kind }),
          },
          {
            title: t('devices.manufacturer'),
            key: 'm',
            render: (_, d) => [d.manufacturer, d.model].filter(Boolean).join(' ') || '—',
          },
          {
            title: t('devices.aeTitle'),
            key: 'ae',
            render: (_, d) => (d.aeTitle ? <code>{d.aeTitle}</code> : '—'),
          },
          {
            title: t('devices.dropFolder'),
            key: 'df',
            render: (_, d) => (d.dropFolder ? <code>{d.dropFolder}</code> : '—'),
          },
          {
            title: t('devices.active'),
            key: 'active',
            render: (_, d) => (
              <Tag color={d.active ? 'success' : 'default'}>
                {d.active ? t('devices.on') : t('devices.off')}
              </Tag>
            ),
          },
          {
            title: '',
            key: 'edit',
            render: (_, d) => (
              <Button size="small" onClick={() => openForm(d)}>
                {t('devices.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        {...dialog.modalProps}
        title={editing === 'new' ? t('devices.create') : t('devices.edit')}
        okButtonProps={{ loading: busy, 'data-testid': 'device-save' }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('devices.name')}
            rules={[{ required: true, whitespace: true, max: 100 }]}
          >
            <Input data-testid="device-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('devices.kind')}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`devices.kind_${k}`) }))} />
          </Form.Item>
          <Form.Item name="manufacturer" label={t('devices.manufacturer')} rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="model" label={t('devices.model')} rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="aeTitle"
            label={t('devices.aeTitle')}
            extra={t('devices.aeTitleHint')}
            rules={[{ pattern: /^[ -[\]-~]{0,16}$/, message: t('devices.aeTitleRule') }]}
          >
            <Input maxLength={16} />
          </Form.Item>
          <Form.Item
            name="dropFolder"
            label={t('devices.dropFolder')}
            extra={t('devices.dropFolderHint')}
            rules={[{ pattern: /^(\/.*)?$/, message: t('devices.dropFolderRule') }]}
          >
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="active" label={t('devices.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </PageContainer>
  );
}

export default DevicesPage;
