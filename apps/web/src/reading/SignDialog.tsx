/**
 * The omission warnings before signing: each computer finding missing from the report is confirmed (added to
 * the report) or dismissed, with an optional note; nothing is signed until every one has a decision, and the
 * decisions go to the server, which signs them with the report.
 */
import { Alert, Flex, Input, List, Modal, Radio, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignWarning } from './api';

export type Decision = { code: string; decision: 'confirm' | 'dismiss'; note?: string };

interface Props {
  open: boolean;
  warnings: SignWarning[];
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onSign: (decisions: Decision[]) => void;
}

export function SignDialog({ open, warnings, busy, error, onCancel, onSign }: Props) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const [decisions, setDecisions] = useState<Record<string, Decision>>({});
  useEffect(() => {
    if (open) setDecisions({});
  }, [open]);
  const complete = warnings.every((w) => decisions[w.code]);
  return (
    <Modal
      open={open}
      title={warnings.length ? t('reading.omissionTitle') : t('reading.signTitle')}
      okText={t('reading.signNow')}
      okButtonProps={{ disabled: !complete, loading: busy, danger: true, 'data-testid': 'sign-confirm' }}
      onOk={() => onSign(warnings.map((w) => decisions[w.code]))}
      onCancel={onCancel}
      width={640}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {warnings.length ? t('reading.omissionHint') : t('reading.noWarnings')}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <List
        locale={{ emptyText: ' ' }}
        dataSource={warnings}
        renderItem={(w) => (
          <List.Item data-testid="omission-warning">
            <Flex vertical gap={6} style={{ width: '100%' }}>
              <Flex gap={8} align="center">
                {w.critical && <Tag color="red">{t('reading.omissionCritical')}</Tag>}
                <Typography.Text strong>{zh ? w.textZh : w.textEn}</Typography.Text>
                <Typography.Text type="secondary" code>
                  {w.code}
                </Typography.Text>
              </Flex>
              <Radio.Group
                value={decisions[w.code]?.decision}
                onChange={(e) =>
                  setDecisions((d) => ({
                    ...d,
                    [w.code]: { ...d[w.code], code: w.code, decision: e.target.value },
                  }))
                }
                options={[
                  { value: 'confirm', label: t('reading.confirm') },
                  { value: 'dismiss', label: t('reading.dismiss') },
                ]}
                data-testid="omission-decision"
              />
              <Input
                size="small"
                placeholder={t('reading.note')}
                maxLength={1000}
                value={decisions[w.code]?.note ?? ''}
                disabled={!decisions[w.code]}
                onChange={(e) =>
                  setDecisions((d) => ({
                    ...d,
                    [w.code]: { ...d[w.code], note: e.target.value || undefined },
                  }))
                }
              />
            </Flex>
          </List.Item>
        )}
      />
      {!complete && <Typography.Text type="warning">{t('reading.decideAll')}</Typography.Text>}
    </Modal>
  );
}
