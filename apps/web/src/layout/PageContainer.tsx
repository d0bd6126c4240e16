import { Breadcrumb, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { MENU_GROUPS, menuEntryFor } from './menu';

export interface Crumb {
  title: ReactNode;
  path?: string;
}

interface Props {
  title: ReactNode;
  /** Crumbs after the menu group and menu entry, which are derived from the location. */
  crumbs?: Crumb[];
  extra?: ReactNode;
  children: ReactNode;
}

/** Standard frame of every screen: breadcrumb (group › screen › item), title row with actions, content. */
export function PageContainer({ title, crumbs = [], extra, children }: Props) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const entry = menuEntryFor(pathname);
  const group = MENU_GROUPS.find((g) => g.group === entry?.group);

  const items = [
    ...(group ? [{ title: t(group.labelKey) }] : []),
    ...(entry
      ? [{ title: crumbs.length > 0 ? <Link to={entry.path}>{t(entry.labelKey)}</Link> : t(entry.labelKey) }]
      : []),
    ...crumbs.map((c) => ({ title: c.path ? <Link to={c.path}>{c.title}</Link> : c.title })),
  ];

  return (
    <div>
      <Breadcrumb items={items} style={{ marginBottom: 8 }} />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra}
      </Flex>
      {children}
    </div>
  );
}
