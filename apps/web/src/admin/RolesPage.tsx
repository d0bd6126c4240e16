import { CheckOutlined } from '@ant-design/icons';
import { Alert, Card, Flex, Table, type TableColumnsType, Tooltip, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PermissionInfo } from '../api/types';
import { describeError } from '../common/errors';
import { PageContainer } from '../layout/PageContainer';
import { usePermissions, useRoles } from './directory';

/** Read-only matrix: one row per permission, one column per role. */
export default function RolesPage() {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const roles = useRoles();
  const permissions = usePermissions();
  const en = i18n.language === 'en';
  const roleList = roles.data ?? [];
  const granted = new Map(roleList.map((r) => [r.code, new Set(r.permissions)]));

  const columns: TableColumnsType<PermissionInfo> = [
    {
      title: t('role.permission'),
      key: 'permission',
      fixed: 'left',
      width: 230,
      render: (_: unknown, p) => (
        <Flex vertical>
          <span>{en ? p.en : p.zh}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: 'monospace' }}>
            {p.code}
          </Typography.Text>
        </Flex>
      ),
    },
    ...roleList.map((role) => ({
      title: (
        <Tooltip title={role.code}>
          <span style={{ fontSize: 12 }}>{en ? role.nameEn : role.nameZh}</span>
        </Tooltip>
      ),
      key: role.code,
      width: 96,
      align: 'center' as const,
      render: (_: unknown, p: PermissionInfo) =>
        granted.get(role.code)?.has(p.code) ? (
          <CheckOutlined style={{ color: token.colorSuccess }} aria-label={`${role.code}:${p.code}`} />
        ) : null,
    })),
  ];

  const error = roles.error ?? permissions.error;
  return (
    <PageContainer title={t('role.title')}>
      <Card>
        <Alert type="info" showIcon title={t('role.explain')} style={{ marginBottom: 16 }} />
        {error !== undefined && <Alert type="error" showIcon title={describeError(error, t)} />}
        <Table<PermissionInfo>
          rowKey="code"
          size="small"
          bordered
          columns={columns}
          dataSource={permissions.data ?? []}
          loading={roles.loading || permissions.loading}
          pagination={false}
          scroll={{ x: 230 + roleList.length * 96, y: 'calc(100vh - 330px)' }}
        />
      </Card>
    </PageContainer>
  );
}
