import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Segmented, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { describeError } from '../common/errors';
import { currentLanguage, LANGUAGES, type Language, setLanguage } from '../i18n';
import { LifelineMark } from '../layout/AppLayout';
import { useAuth } from './AuthContext';

/** Only same-app paths may be a post-login target (no open redirect through ?next=). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useAuth();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const next = safeNext(params.get('next'));

  if (state.status === 'signed-in') return <Navigate to={next} replace />;

  const onFinish = async (values: { username: string; password: string }) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      navigate(next, { replace: true });
    } catch (e) {
      setError(loginErrorText(e));
    } finally {
      setSubmitting(false);
    }
  };

  const loginErrorText = (e: unknown): string => {
    if (e instanceof ApiError) {
      if (e.status === 401) return t('login.wrongPassword');
      if (e.status === 423) return t('login.locked');
      if (e.status === 403) return t('login.inactive');
      if (e.status === 400) return e.message;
    }
    return describeError(e, t);
  };

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: '100vh',
        background: `linear-gradient(160deg, ${token.colorBgLayout} 0%, #e6f4ff 100%)`,
      }}
    >
      <Card style={{ width: 380, boxShadow: token.boxShadowTertiary }}>
        <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
          <LifelineMark color={token.colorError} size={40} />
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </Flex>
        {state.status === 'anonymous' && state.reason === 'expired' && !error && (
          <Alert type="info" showIcon title={t('errors.sessionExpired')} style={{ marginBottom: 16 }} />
        )}
        {error && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />
        )}
        <Form
          layout="vertical"
          onFinish={onFinish}
          requiredMark={false}
          disabled={state.status === 'loading'}
        >
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Segmented<Language>
            size="small"
            value={currentLanguage()}
            options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
            onChange={setLanguage}
          />
        </Flex>
      </Card>
    </Flex>
  );
}
