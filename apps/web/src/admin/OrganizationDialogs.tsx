import { Alert, App, Form, Input, Modal, Select, TreeSelect } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api/client';
import type { Department, Organization } from '../api/types';
import { DEFAULT_TIME_ZONE } from '../clock';
import { formErrorText } from '../common/errors';
import { DEPARTMENT_KINDS, departmentKindLabel, ORG_TYPES, orgTree, orgTypeLabel } from './directory';

const CODE = /^[A-Za-z0-9._-]{1,32}$/;
// Chinese county networks run on one zone; the others are for border regions and test sites.
const TIME_ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'UTC'];

interface OrgProps {
  /** undefined = closed, null = create, an organisation = edit. */
  organization: Organization | null | undefined;
  organizations: Organization[];
  defaultParentId?: string;
  onClose: () => void;
  onSaved: (org: Organization) => void;
}

export function OrganizationDialog({
  organization,
  organizations,
  defaultParentId,
  onClose,
  onSaved,
}: OrgProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const creating = organization === null;
  const open = organization !== undefined;
  const treeData = useMemo(() => orgTree(organizations), [organizations]);

  useEffect(() => {
    if (!open) return;
    setBanner(null);
    form.resetFields();
    form.setFieldsValue(
      organization ?? { type: 'member-hospital', parentId: defaultParentId, timeZone: DEFAULT_TIME_ZONE },
    );
  }, [open, organization, form, defaultParentId]);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setBanner(null);
    try {
      const body = {
        name: values.name.trim(),
        code: values.code.trim(),
        type: values.type,
        parentId: values.parentId || undefined,
        timeZone: values.timeZone,
      };
      const saved = creating
        ? await post<Organization>('/api/organizations', body)
        : await patch<Organization>(`/api/organizations/${organization!.id}`, body);
      message.success(creating ? t('org.created') : t('common.saved'));
      onSaved(saved);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={creating ? t('org.createTitle') : t('org.editTitle')}
      open={open}
      onOk={submit}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      forceRender
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="name"
          label={t('org.name')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('org.name') }) },
            { max: 100 },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('org.code')}
          rules={[
            { required: true, message: t('common.required', { field: t('org.code') }) },
            { pattern: CODE, message: t('org.codeFormat') },
          ]}
        >
          <Input style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="type" label={t('org.type')} rules={[{ required: true }]}>
          <Select options={ORG_TYPES.map((x) => ({ value: x, label: orgTypeLabel(t, x) }))} />
        </Form.Item>
        <Form.Item name="parentId" label={t('org.parent')}>
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            // An organisation cannot become its own parent.
            treeData={treeData.filter((n) => n.org.id !== organization?.id)}
          />
        </Form.Item>
        <Form.Item name="timeZone" label={t('org.timeZone')} rules={[{ required: true }]}>
          <Select showSearch options={TIME_ZONES.map((z) => ({ value: z, label: z }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface DeptProps {
  organization: Organization | null;
  onClose: () => void;
  onSaved: (dept: Department) => void;
}

export function DepartmentDialog({ organization, onClose, onSaved }: DeptProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !organization) return;
    setSaving(true);
    setBanner(null);
    try {
      const dept = await post<Department>(`/api/organizations/${organization.id}/departments`, {
        name: values.name.trim(),
        code: values.code.trim(),
        kind: values.kind || undefined,
      });
      message.success(t('org.departmentCreated'));
      form.resetFields();
      onSaved(dept);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={`${t('org.addDepartment')} · ${organization?.name ?? ''}`}
      open={organization !== null}
      onOk={submit}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="name"
          label={t('org.departmentName')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('common.required', { field: t('org.departmentName') }),
            },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('org.departmentCode')}
          rules={[
            { required: true, message: t('common.required', { field: t('org.departmentCode') }) },
            { pattern: CODE, message: t('org.codeFormat') },
          ]}
        >
          <Input style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="kind" label={t('org.departmentKind')}>
          <Select
            allowClear
            options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: departmentKindLabel(t, k) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
