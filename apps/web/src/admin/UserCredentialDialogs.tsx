import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api/client';
import type { User } from '../api/types';
import { formErrorText } from '../common/errors';
import { passwordRules } from '../common/passwordRule';

/** Admin sets a new password for a user who forgot theirs. */
export function ResetPasswordDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || !user) return;
    setSaving(true);
    setBanner(null);
    try {
      await patch<User>(`/api/users/${user.id}`, { password: values.password });
      message.success(t('user.passwordReset'));
      form.resetFields();
      onClose();
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('user.resetPasswordTitle', { name: user?.displayName ?? '' })}
      open={user !== null}
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
          name="password"
          label={t('user.newPassword')}
          extra={t('password.rule')}
          rules={passwordRules(t, () => user?.username ?? '', t('user.newPassword'))}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Creates an API token for a system account (ECG cart, HIS interface); the token is shown once. */
export function ApiTokenDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string }>();
  const [saving, setSaving] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);

  useEffect(() => {
    if (user) {
      setToken(null);
      setBanner(null);
    }
  }, [user]);

  const submit = async () => {
    if (token) return onClose();
    const values = await form.validateFields().catch(() => null);
    if (!values || !user) return;
    setSaving(true);
    setBanner(null);
    try {
      const created = await post<{ id: string; token: string }>(`/api/users/${user.id}/tokens`, {
        name: values.name.trim(),
      });
      setToken(created.token);
    } catch (error) {
      setBanner(formErrorText(form, error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('user.tokenTitle', { name: user?.displayName ?? '' })}
      open={user !== null}
      onOk={submit}
      onCancel={onClose}
      okText={token ? t('common.close') : t('common.create')}
      cancelButtonProps={{ style: token ? { display: 'none' } : undefined }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
      {token ? (
        <>
          <Alert type="warning" showIcon title={t('user.tokenShownOnce')} style={{ marginBottom: 12 }} />
          <Typography.Paragraph copyable code style={{ wordBreak: 'break-all' }}>
            {token}
          </Typography.Paragraph>
        </>
      ) : (
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('user.tokenName')}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t('common.required', { field: t('user.tokenName') }),
              },
            ]}
          >
            <Input placeholder={t('user.tokenNamePlaceholder')} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
