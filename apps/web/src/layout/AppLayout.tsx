import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { roleByCode } from '@lifeline/shared';
import {
  Button,
  Dropdown,
  Flex,
  Layout,
  Menu,
  type MenuProps,
  Segmented,
  Space,
  Typography,
  theme,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { CriticalBanner } from '../critical/CriticalBanner';
import { currentLanguage, LANGUAGES, type Language, setLanguage } from '../i18n';
import { NotificationBell } from '../notifications/NotificationBell';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { MENU_GROUPS, menuEntryFor, visibleMenu } from './menu';
import { ServerClock } from './ServerClock';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const { me, can, logout } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const { token } = theme.useToken();
  const [collapsed, setCollapsed] = useState(false);
  const [narrow, setNarrow] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const lang = currentLanguage();

  const menuItems = useMemo<MenuProps['items']>(() => {
    const entries = visibleMenu(can);
    return MENU_GROUPS.map(({ group, labelKey }) => ({
      group,
      labelKey,
      children: entries.filter((e) => e.group === group),
    }))
      .filter((g) => g.children.length > 0)
      .map((g) => ({
        type: 'group' as const,
        key: g.group,
        label: t(g.labelKey),
        children: g.children.map((e) => ({ key: e.path, icon: <e.icon />, label: t(e.labelKey) })),
      }));
    // t changes identity on language switch, which relabels the menu.
  }, [can, t]);

  const selected = menuEntryFor(pathname)?.path;
  const roleNames = (me?.roles ?? [])
    .map((code) => {
      const role = roleByCode(code);
      return role ? (lang === 'en' ? role.nameEn : role.nameZh) : code;
    })
    .join('、');

  const userMenu: MenuProps['items'] = [
    {
      key: 'org',
      label: <Typography.Text type="secondary">{me?.organizationName}</Typography.Text>,
      disabled: true,
    },
    { key: 'roles', label: <Typography.Text type="secondary">{roleNames}</Typography.Text>, disabled: true },
    { type: 'divider' },
    { key: 'password', icon: <KeyOutlined />, label: t('header.changePassword') },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        // On phones (cath-lab staff acknowledging an activation) the menu folds away completely.
        breakpoint="md"
        collapsedWidth={narrow ? 0 : 80}
        onBreakpoint={(broken) => {
          setNarrow(broken);
          setCollapsed(broken);
        }}
        width={208}
        theme="light"
        style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
      >
        <Flex align="center" gap={8} style={{ height: 56, padding: '0 20px', overflow: 'hidden' }}>
          <LifelineMark color={token.colorError} />
          {!collapsed && (
            <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>
              {t('app.name')}
            </Typography.Text>
          )}
        </Flex>
        <Menu
          mode="inline"
          items={menuItems}
          selectedKeys={selected ? [selected] : []}
          onClick={({ key }) => navigate(key)}
          style={{ borderInlineEnd: 'none' }}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: token.colorBgContainer,
            padding: '0 24px',
            height: 56,
            lineHeight: '56px',
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <Flex justify="flex-end" align="center" gap={20} style={{ height: '100%' }}>
            <ServerClock />
            <NotificationBell />
            <Segmented<Language>
              size="small"
              value={lang}
              options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
              onChange={setLanguage}
              aria-label={t('header.language')}
            />
            <Dropdown
              menu={{ items: userMenu, onClick: ({ key }) => key === 'password' && setPasswordOpen(true) }}
              trigger={['click']}
            >
              <Button type="text" data-testid="user-menu">
                <Space size={6}>
                  <UserOutlined />
                  {me?.displayName ?? me?.username}
                  <DownOutlined style={{ fontSize: 10 }} />
                </Space>
              </Button>
            </Dropdown>
            <Button type="text" icon={<LogoutOutlined />} data-testid="logout" onClick={() => void logout()}>
              {t('header.logout')}
            </Button>
          </Flex>
        </Header>
        <CriticalBanner />
        <Content style={{ padding: 24, minWidth: 0 }}>
          <Outlet />
        </Content>
      </Layout>
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </Layout>
  );
}

/** The ECG-trace logo, inline so the app has no image requests before login. */
export function LifelineMark({ color, size = 24 }: { color: string; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <path d="M2 17h7l3-8 5 15 3-7h10" fill="none" stroke={color} strokeWidth={3} strokeLinejoin="round" />
    </svg>
  );
}
