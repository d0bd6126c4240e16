import { Alert, App, Button, Form, Input, Modal, Select, TreeSelect } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api/client';
import type { Organization, RoleInfo, User } from '../api/types';
import { formErrorText } from '../common/errors';
import { passwordRules } from '../common/passwordRule';
import { orgName, orgTree, roleName } from './directory';

interface Props {
  /** undefined = closed, null = create, a user = edit. */
  user: User | null | undefined;
  organizations: Organization[];
  roles: RoleInfo[];
  defaultOrganizationId?: string;
  onClose: () => void;
  onSaved: (user: User) => void;
}

interface Values {
  username: string;
  displayName: string;
  password?: string;
  organizationId: string;
  departmentId?: string | null;
  roles: string[];
}

const USERNAME = /^[A-Za-z0-9._-]{3,32}$/;

/** Create a user (all fields) or edit one (name, roles, department; the organisation is fixed). */
export function UserFormDialog({
  user,
  organizations,
  roles,
  defaultOrganizationId,
  onClose,
  onSaved,
}: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const creating = user === null;
  const open = user !== undefined;
  const organizationId = Form.useWatch('organizationId', form);

  useEffect(() => {
    if (!open) return;
    setBanner(null);
    form.resetFields();
    form.setFieldsValue(
      user
        ? { ...user, departmentId: user.departmentId ?? undefined }
        : { organizationId: defaultOrganizationId, roles: [], departmentId: undefined },
    );
  }, [open, user, form, defaultOrganizationId]);

  const treeData = useMemo(() => orgTree(organizations), [organizations]);
  const departments = organizations.find((o) => o.id === organizationId)?.departments ?? [];

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setBanner(null);
    try {
      const saved = creating
        ? await post<User>('/api/users', {
            username: values.username.trim(),
            displayName: values.displayName.trim(),
            password: values.password,
            organizationId: values.organizationId,
            departmentId: values.departmentId || undefined,
            roles: values.roles,
          })
        : await patch<User>(`/api/users/${user!.id}`, {
            displayName: values.displayName.trim(),
            roles: values.roles,
            departmentId: values.departmentId ?? null,
          });
      message.success(creating ? t('user.created') : t('common.saved'));
      onSaved(saved);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={creating ? t('user.createTitle') : t('user.editTitle', { name: user?.displayName ?? '' })}
      open={open}
      onCancel={onClose}
      width={600}
      forceRender
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="save" type="primary" loading={saving} onClick={submit} data-testid="user-save">
          {t('common.save')}
        </Button>,
      ]}
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" autoComplete="off">
        <Form.Item
          name="username"
          label={t('user.username')}
          rules={
            creating
              ? [
                  { required: true, message: t('common.required', { field: t('user.username') }) },
                  { pattern: USERNAME, message: t('user.usernameFormat') },
                ]
              : []
          }
        >
          <Input disabled={!creating} autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('user.displayName')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('common.required', { field: t('user.displayName') }),
            },
            { max: 64 },
          ]}
        >
          <Input data-testid="user-displayname" />
        </Form.Item>
        {creating && (
          <Form.Item
            name="password"
            label={t('user.password')}
            extra={t('password.rule')}
            dependencies={['username']}
            rules={passwordRules(t, () => form.getFieldValue('username') ?? '', t('user.password'))}
          >
            <Input.Password autoComplete="new-password" data-testid="user-password" />
          </Form.Item>
        )}
        <Form.Item
          name="roles"
          label={t('user.roles')}
          rules={[
            {
              required: true,
              type: 'array',
              min: 1,
              message: t('common.requiredSelect', { field: t('user.roles') }),
            },
          ]}
        >
          <Select
            mode="multiple"
            data-testid="user-roles"
            showSearch={{ optionFilterProp: 'label' }}
            options={roles.map((r) => ({
              value: r.code,
              label: `${roleName(roles, r.code, i18n.language)} (${r.code})`,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="organizationId"
          label={t('user.organization')}
          rules={[{ required: true, message: t('common.requiredSelect', { field: t('user.organization') }) }]}
        >
          {creating ? (
            <TreeSelect
              data-testid="user-org"
              treeData={treeData}
              treeDefaultExpandAll
              showSearch
              treeNodeFilterProp="title"
              onChange={() => form.setFieldValue('departmentId', undefined)}
            />
          ) : (
            <Select
              disabled
              options={[{ value: user?.organizationId, label: orgName(organizations, user?.organizationId) }]}
            />
          )}
        </Form.Item>
        <Form.Item name="departmentId" label={t('user.department')}>
          <Select
            allowClear
            data-testid="user-department"
            disabled={!organizationId}
            options={departments.map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
