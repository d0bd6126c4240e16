/**
 * The patient's previous ECG against this one (server comparison): new atrial fibrillation, new ST elevation
 * and a QTc change of 60 ms or more are shown as alerts at the top; then statements that appeared or resolved
 * and the measurement differences.
 */
import { Alert, Button, Card, Empty, Flex, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useOrgTimeZone } from '../auth/AuthContext';
import { formatInstant } from '../clock';
import type { ComparisonAnswer } from './api';

interface Props {
  data: ComparisonAnswer | undefined;
  sideBySide: boolean;
  onToggleSideBySide: () => void;
}

export function ComparisonPanel({ data, sideBySide, onToggleSideBySide }: Props) {
  const { t, i18n } = useTranslation();
  const tz = useOrgTimeZone();
  const zh = i18n.language.startsWith('zh');
  if (!data) return null;
  const { previous, comparison } = data;
  if (!previous || !comparison)
    return (
      <Card size="small" title={t('reading.comparison')}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reading.noPrevious')} />
      </Card>
    );
  const h = comparison.highlights;
  const changed = comparison.measurements.filter((m) => m.change !== null && m.change !== 0);
  return (
    <Card
      size="small"
      title={t('reading.comparison')}
      data-testid="comparison"
      extra={
        <Space>
          <Button size="small" type={sideBySide ? 'primary' : 'default'} onClick={onToggleSideBySide}>
            {t('reading.sideBySide')}
          </Button>
          <Link to={`/reading/${previous.examId}`}>{t('reading.openPrevious')}</Link>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('reading.previousAt', {
          at: formatInstant(previous.acquiredAt, tz),
          source: t(
            previous.source === 'signed-report' ? 'reading.source_signed' : 'reading.source_analysis',
          ),
        })}
      </Typography.Paragraph>
      <Flex vertical gap={6} style={{ marginBottom: 8 }}>
        {h.newAtrialFibrillation && (
          <Alert type="error" showIcon title={t('reading.newAf')} data-testid="comparison-new-af" />
        )}
        {h.newStElevation && (
          <Alert type="error" showIcon title={t('reading.newSte')} data-testid="comparison-new-ste" />
        )}
        {h.qtcChangeMs !== null && h.qtcChangeMs !== 0 && (
          <Alert
            type={h.qtcChangeSignificant ? 'error' : 'info'}
            showIcon
            title={t('reading.qtcChange', { ms: h.qtcChangeMs > 0 ? `+${h.qtcChangeMs}` : h.qtcChangeMs })}
          />
        )}
      </Flex>
      {comparison.newStatements.length > 0 && (
        <div style={{ marginBottom: 6 }}>
          <Typography.Text strong>{t('reading.newStatements')}: </Typography.Text>
          {comparison.newStatements.map((s) => (
            <Tag key={s.code} color="red">
              {zh ? s.textZh : s.textEn}
            </Tag>
          ))}
        </div>
      )}
      {comparison.resolvedStatements.length > 0 && (
        <div style={{ marginBottom: 6 }}>
          <Typography.Text strong>{t('reading.resolvedStatements')}: </Typography.Text>
          {comparison.resolvedStatements.map((s) => (
            <Tag key={s.code}>{zh ? s.textZh : s.textEn}</Tag>
          ))}
        </div>
      )}
      {changed.length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="key"
          dataSource={changed}
          columns={[
            { title: t('reading.measurement'), key: 'k', render: (_, m) => t(`reading.m_${m.key}`) },
            { title: t('reading.previous'), dataIndex: 'previous' },
            { title: t('reading.current'), dataIndex: 'current' },
            {
              title: t('reading.change'),
              key: 'c',
              render: (_, m) => (
                <Typography.Text type={Math.abs(m.change ?? 0) >= 20 ? 'danger' : undefined}>
                  {(m.change ?? 0) > 0 ? `+${m.change}` : m.change}
                </Typography.Text>
              ),
            },
          ]}
        />
      )}
    </Card>
  );
}
