import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Dropdown,
  Flex,
  Input,
  type MenuProps,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, patch } from '../api/client';
import type { Page, User } from '../api/types';
import { useAuth, useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { describeError } from '../common/errors';
import { useRemote } from '../common/useRemote';
import { PageContainer } from '../layout/PageContainer';
import { departmentName, orgName, orgTree, roleName, useOrganizations, useRoles } from './directory';
import { ApiTokenDialog, ResetPasswordDialog } from './UserCredentialDialogs';
import { UserFormDialog } from './UserFormDialog';

const PAGE_SIZE = 20;

export default function UsersPage() {
  const { t, i18n } = useTranslation();
  const { can, me } = useAuth();
  const { message, modal } = App.useApp();
  const timeZone = useOrgTimeZone();
  const [q, setQ] = useState('');
  const [organizationId, setOrganizationId] = useState<string>();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<User | null | undefined>(undefined);
  const [resetting, setResetting] = useState<User | null>(null);
  const [tokenFor, setTokenFor] = useState<User | null>(null);

  const organizations = useOrganizations();
  const roles = useRoles();
  const users = useRemote(
    (signal) =>
      get<Page<User>>(
        '/api/users',
        { q, organizationId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      ),
    [q, organizationId, page],
  );
  const orgs = organizations.data ?? [];
  const treeData = useMemo(() => orgTree(orgs), [orgs]);
  const writable = can('user.write');

  const update = async (user: User, body: Record<string, unknown>, done: string) => {
    try {
      await patch<User>(`/api/users/${user.id}`, body);
      message.success(done);
      users.reload();
    } catch (error) {
      message.error(describeError(error, t));
    }
  };

  const rowMenu = (user: User): MenuProps['items'] => [
    { key: 'password', label: t('user.resetPassword'), onClick: () => setResetting(user) },
    ...(user.locked
      ? [
          {
            key: 'unlock',
            label: t('user.unlock'),
            onClick: () => update(user, { unlock: true }, t('user.unlocked')),
          },
        ]
      : []),
    { key: 'token', label: t('user.token'), onClick: () => setTokenFor(user) },
    { type: 'divider' as const },
    user.active
      ? {
          key: 'deactivate',
          danger: true,
          label: t('user.deactivate'),
          // Deactivating yourself would lock the last admin out.
          disabled: user.id === me?.id,
          onClick: () =>
            modal.confirm({
              title: t('user.deactivate'),
              content: t('user.deactivateConfirm', { name: user.displayName }),
              okButtonProps: { danger: true },
              okText: t('user.deactivate'),
              cancelText: t('common.cancel'),
              onOk: () => update(user, { active: false }, t('common.saved')),
            }),
        }
      : {
          key: 'activate',
          label: t('user.activate'),
          onClick: () => update(user, { active: true }, t('common.saved')),
        },
  ];

  const columns: TableColumnsType<User> = [
    {
      title: t('user.username'),
      dataIndex: 'username',
      width: 140,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    { title: t('user.displayName'), dataIndex: 'displayName', width: 120 },
    {
      title: t('user.organization'),
      dataIndex: 'organizationId',
      render: (id: string, u) => (
        <Flex vertical>
          <span>{orgName(orgs, id)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {departmentName(orgs, u.departmentId)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('user.roles'),
      dataIndex: 'roles',
      render: (codes: string[]) => (
        <Flex wrap gap={4}>
          {codes.map((c) => (
            <Tag key={c} color="blue">
              {roleName(roles.data, c, i18n.language)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('user.status'),
      key: 'status',
      width: 130,
      render: (_: unknown, u) => (
        <Space size={4}>
          {u.active ? <Tag color="green">{t('user.active')}</Tag> : <Tag>{t('user.inactive')}</Tag>}
          {u.locked && <Tag color="red">{t('user.locked')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('user.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      width: 170,
      render: (at: string | null) =>
        at ? (
          formatInstant(at, timeZone)
        ) : (
          <Typography.Text type="secondary">{t('user.never')}</Typography.Text>
        ),
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 150,
            render: (_: unknown, u: User) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(u)}>
                  {t('common.edit')}
                </Button>
                <Dropdown menu={{ items: rowMenu(u) }} trigger={['click']}>
                  <Button type="link" size="small">
                    {t('common.more')} <DownOutlined style={{ fontSize: 10 }} />
                  </Button>
                </Dropdown>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <PageContainer
      title={t('user.title')}
      extra={
        writable && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing(null)}
            data-testid="user-create"
          >
            {t('user.create')}
          </Button>
        )
      }
    >
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('user.searchPlaceholder')}
            style={{ width: 280 }}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
          />
          <TreeSelect
            allowClear
            style={{ width: 280 }}
            placeholder={t('user.allOrganizations')}
            treeData={treeData}
            treeDefaultExpandAll
            value={organizationId}
            onChange={(v: string | undefined) => {
              setOrganizationId(v);
              setPage(1);
            }}
          />
        </Flex>
        {users.error !== undefined && (
          <Alert type="error" showIcon title={describeError(users.error, t)} style={{ marginBottom: 16 }} />
        )}
        <Table<User>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={users.data?.items ?? []}
          loading={users.loading}
          onRow={(u) => ({ style: u.active ? undefined : { opacity: 0.6 } })}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: users.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { total }),
            onChange: setPage,
          }}
        />
      </Card>
      <UserFormDialog
        user={editing}
        organizations={orgs}
        roles={roles.data ?? []}
        defaultOrganizationId={organizationId ?? me?.organizationId}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          users.reload();
        }}
      />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
      <ApiTokenDialog user={tokenFor} onClose={() => setTokenFor(null)} />
    </PageContainer>
  );
}
