import type { Permission } from '@lifeline/shared';
import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from './AuthContext';

/** Route guard: the server enforces permissions anyway; this only avoids showing a screen that would 403. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useAuth();
  const { t } = useTranslation();
  if (!can(permission)) {
    return <Result status="403" title="403" subTitle={t('errors.forbidden', { detail: permission })} />;
  }
  return <>{children}</>;
}
