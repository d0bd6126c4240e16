/**
 * The report being written: measurements (automatic value beside the technician's correction), the statement
 * list with provenance (computer / manual) and certainty, the statement picker, description and conclusion.
 * Holds no state of its own: the reading page owns the draft so the workflow buttons send what is on screen.
 */
import { ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Flex,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { type ReportStatement, TEMPLATES, type Template } from './api';
import { StatementPicker, type StatementPickerHandle } from './StatementPicker';

export const MEASUREMENT_KEYS = [
  'heartRate',
  'rrMean',
  'pDuration',
  'pr',
  'qrsDuration',
  'qt',
  'qtcBazett',
  'qtcFridericia',
  'pAxis',
  'qrsAxis',
  'tAxis',
] as const;

export interface Draft {
  template: Template;
  measurements: Record<string, number>;
  statements: ReportStatement[];
  freeText: string;
  conclusion: string;
}

interface Props {
  draft: Draft;
  onChange: (next: Draft) => void;
  automaticMeasurements: Record<string, number>;
  /** Technicians correct measurements in draft; physicians may until diagnosis. */
  measurementsEditable: boolean;
  /** Statements, description and conclusion. */
  contentEditable: boolean;
  templateEditable: boolean;
  pickerRef: RefObject<StatementPickerHandle | null>;
}

export function ReportEditor({
  draft,
  onChange,
  automaticMeasurements,
  measurementsEditable,
  contentEditable,
  templateEditable,
  pickerRef,
}: Props) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const set = (patch: Partial<Draft>) => onChange({ ...draft, ...patch });
  const setStatements = (statements: ReportStatement[]) => set({ statements });
  const m = draft.measurements;
  const fmt = (v: number | undefined) => (v === undefined || v === null ? '—' : String(v));

  const templateText = () =>
    t(`reading.templateText_${draft.template}`, {
      hr: fmt(m.heartRate),
      pr: fmt(m.pr),
      qrs: fmt(m.qrsDuration),
      qt: fmt(m.qt),
      qtc: fmt(m.qtcBazett),
      axis: fmt(m.qrsAxis),
    });

  return (
    <Flex vertical gap={12}>
      <Card
        size="small"
        title={t('reading.measurements')}
        extra={
          <Space>
            <Typography.Text type="secondary">{t('reading.template')}</Typography.Text>
            <Select<Template>
              size="small"
              style={{ width: 170 }}
              disabled={!templateEditable}
              value={draft.template}
              onChange={(template) => set({ template })}
              options={TEMPLATES.map((v) => ({ value: v, label: t(`reading.template_${v}`) }))}
              data-testid="report-template"
            />
          </Space>
        }
      >
        <Table
          size="small"
          pagination={false}
          rowKey="key"
          data-testid="report-measurements"
          dataSource={MEASUREMENT_KEYS.map((key) => ({ key }))}
          columns={[
            { title: t('reading.measurement'), key: 'k', render: (_, r) => t(`reading.m_${r.key}`) },
            {
              title: t('reading.automatic'),
              key: 'a',
              width: 90,
              render: (_, r) => (
                <Typography.Text type="secondary">{fmt(automaticMeasurements[r.key])}</Typography.Text>
              ),
            },
            {
              title: t('reading.corrected'),
              key: 'c',
              width: 190,
              render: (_, r) => {
                const changed = m[r.key] !== undefined && m[r.key] !== automaticMeasurements[r.key];
                // A hand-changed value is marked in words, not by colour alone, and keeps the automatic one beside it.
                const mark = changed ? (
                  <Tooltip title={t('reading.alteredHint', { value: fmt(automaticMeasurements[r.key]) })}>
                    <Tag color="orange" style={{ marginInlineStart: 4 }} data-testid="measurement-altered">
                      {t('reading.alteredTag')}
                    </Tag>
                  </Tooltip>
                ) : null;
                return measurementsEditable ? (
                  <Space size={0} data-testid={`measurement-${r.key}`} data-altered={changed}>
                    <InputNumber
                      size="small"
                      value={m[r.key]}
                      min={-360}
                      max={5000}
                      style={{ width: 110, borderColor: changed ? '#fa8c16' : undefined }}
                      onChange={(v) => {
                        const next = { ...m };
                        if (typeof v === 'number') next[r.key] = v;
                        else delete next[r.key];
                        set({ measurements: next });
                      }}
                      aria-label={t(`reading.m_${r.key}`)}
                    />
                    {mark}
                  </Space>
                ) : (
                  <Space size={0} data-testid={`measurement-${r.key}`} data-altered={changed}>
                    <Typography.Text strong={changed} type={changed ? 'warning' : undefined}>
                      {fmt(m[r.key])}
                    </Typography.Text>
                    {mark}
                  </Space>
                );
              },
            },
          ]}
        />
      </Card>

      <Card size="small" title={t('reading.statements')}>
        <List
          size="small"
          dataSource={draft.statements}
          locale={{ emptyText: '—' }}
          renderItem={(s, index) => (
            <List.Item
              data-testid="report-statement"
              actions={
                contentEditable
                  ? [
                      s.code && (
                        <Button
                          key="consider"
                          size="small"
                          type={s.certainty === 'consider' ? 'primary' : 'text'}
                          ghost={s.certainty === 'consider'}
                          title={t('reading.consider')}
                          onClick={() =>
                            setStatements(
                              draft.statements.map((x, i) =>
                                i === index
                                  ? { ...x, certainty: x.certainty === 'consider' ? 'definite' : 'consider' }
                                  : x,
                              ),
                            )
                          }
                        >
                          ?
                        </Button>
                      ),
                      <Button
                        key="up"
                        size="small"
                        type="text"
                        disabled={index === 0}
                        icon={<ArrowUpOutlined />}
                        aria-label={t('reading.moveUp')}
                        onClick={() => {
                          const next = [...draft.statements];
                          [next[index - 1], next[index]] = [next[index], next[index - 1]];
                          setStatements(next);
                        }}
                      />,
                      <Button
                        key="rm"
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('reading.remove')}
                        onClick={() => setStatements(draft.statements.filter((_, i) => i !== index))}
                      />,
                    ]
                  : []
              }
            >
              <Space size={4} wrap>
                {s.certainty === 'consider' && <Tag color="gold">{t('reading.consider')}</Tag>}
                <Typography.Text>{zh ? s.textZh : s.textEn}</Typography.Text>
                <Tag color={s.source === 'engine' ? 'geekblue' : 'green'} style={{ fontSize: 11 }}>
                  {s.source === 'engine' ? t('reading.sourceEngine') : t('reading.sourcePhysician')}
                </Tag>
                {s.code && (
                  <Typography.Text type="secondary" code style={{ fontSize: 11 }}>
                    {s.code}
                  </Typography.Text>
                )}
              </Space>
            </List.Item>
          )}
        />
        {contentEditable && (
          <div style={{ marginTop: 8 }}>
            <StatementPicker
              ref={pickerRef}
              onPick={(s) =>
                draft.statements.some((x) => x.code === s.code)
                  ? undefined
                  : setStatements([
                      ...draft.statements,
                      {
                        code: s.code,
                        textZh: s.textZh,
                        textEn: s.textEn,
                        category: s.category,
                        source: 'physician',
                      },
                    ])
              }
              onPickFree={(text) =>
                setStatements([
                  ...draft.statements,
                  { code: null, textZh: text, textEn: text, category: 'other', source: 'physician' },
                ])
              }
            />
          </div>
        )}
      </Card>

      <Card
        size="small"
        title={t('reading.freeText')}
        extra={
          contentEditable && (
            <Button
              size="small"
              onClick={() =>
                set({ freeText: draft.freeText ? `${draft.freeText}\n${templateText()}` : templateText() })
              }
            >
              {t('reading.insertTemplate')}
            </Button>
          )
        }
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 8 }}
          value={draft.freeText}
          readOnly={!contentEditable}
          maxLength={4000}
          onChange={(e) => set({ freeText: e.target.value })}
          data-testid="report-free-text"
        />
      </Card>
      <Card
        size="small"
        title={t('reading.conclusion')}
        extra={
          contentEditable && (
            <Button
              size="small"
              data-testid="report-fill-conclusion"
              onClick={() =>
                set({
                  conclusion: draft.statements
                    .map((s) =>
                      s.certainty === 'consider'
                        ? `${t('reading.consider')}${zh ? s.textZh : s.textEn}`
                        : zh
                          ? s.textZh
                          : s.textEn,
                    )
                    .join(zh ? '；' : '; '),
                })
              }
            >
              {t('reading.fillConclusion')}
            </Button>
          )
        }
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 6 }}
          value={draft.conclusion}
          readOnly={!contentEditable}
          maxLength={2000}
          onChange={(e) => set({ conclusion: e.target.value })}
          data-testid="report-conclusion"
        />
      </Card>
    </Flex>
  );
}
