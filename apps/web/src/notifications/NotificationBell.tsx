/**
 * Header bell: the signed-in user's in-app notifications (team activations, escalations, critical values),
 * refreshed live over /ws (topic notifications:<org>) with polling as fallback; read and acknowledge here.
 */
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, List, Popover, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { get, post } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import { useLiveRefresh } from '../emergency/live';
import '../emergency/i18n';

interface Note {
  id: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export function NotificationBell() {
  const { t } = useTranslation();
  const { me, timeZone } = useAuth();
  const navigate = useNavigate();
  const [data, setData] = useState<{ unread: number; items: Note[] }>({ unread: 0, items: [] });
  const load = useCallback(() => {
    get<{ unread: number; items: Note[] }>('/api/notifications', { limit: 20 }).then(setData, () => {});
  }, []);
  useEffect(load, [load]);
  useLiveRefresh(me ? `notifications:${me.organizationId}` : null, load);
  const open = async (n: Note) => {
    await post(`/api/notifications/${n.id}/read`).catch(() => {});
    load();
    if (n.link) navigate(n.link);
  };
  const content = data.items.length ? (
    <List
      size="small"
      style={{ width: 360, maxHeight: 420, overflow: 'auto' }}
      dataSource={data.items}
      renderItem={(n) => (
        <List.Item onClick={() => void open(n)} style={{ cursor: 'pointer', opacity: n.readAt ? 0.6 : 1 }}>
          <Flex vertical>
            <Typography.Text strong type={n.severity === 'critical' ? 'danger' : undefined}>
              {n.title}
            </Typography.Text>
            <Typography.Text style={{ fontSize: 12 }}>{n.body}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 11 }}>
              {formatInstant(n.createdAt, timeZone)}
            </Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  ) : (
    <Empty description={t('emergency.noNotifications')} />
  );
  return (
    <Popover content={content} title={t('emergency.notifications')} trigger="click" placement="bottomRight">
      <Badge count={data.unread} size="small">
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('emergency.notifications')}
          data-testid="notification-bell"
        />
      </Badge>
    </Popover>
  );
}
