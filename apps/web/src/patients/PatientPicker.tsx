import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import type { Page, PatientSummary } from '../api/types';
import { sexLabel } from './labels';

interface Props {
  value?: string;
  onChange?: (id: string | undefined, patient: PatientSummary | undefined) => void;
  /** Patients that may not be picked (e.g. the merge target itself). */
  excludeIds?: string[];
  placeholder?: string;
}

/** Remote patient search inside a Select, debounced, showing enough to tell namesakes apart. */
export function PatientPicker({ value, onChange, excludeIds = [], placeholder }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<PatientSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => {
    if (!query.trim()) {
      setOptions([]);
      return;
    }
    const timer = setTimeout(() => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setLoading(true);
      get<Page<PatientSummary>>('/api/patients', { q: query.trim(), limit: 20 }, c.signal)
        .then((page) => !c.signal.aborted && setOptions(page.items))
        .catch(() => !c.signal.aborted && setOptions([]))
        .finally(() => !c.signal.aborted && setLoading(false));
    }, 300);
    return () => clearTimeout(timer);
  }, [query]);

  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQuery }}
      value={value}
      placeholder={placeholder}
      notFoundContent={loading ? <Spin size="small" /> : query ? t('patient.noResults') : null}
      onChange={(id: string | undefined) =>
        onChange?.(
          id,
          options.find((o) => o.id === id),
        )
      }
      allowClear
      style={{ width: '100%' }}
      options={options
        .filter((p) => !excludeIds.includes(p.id) && !p.mergedIntoId)
        .map((p) => ({
          value: p.id,
          label: [
            p.name,
            sexLabel(t, p.sex),
            p.birthDate,
            p.nationalIdMasked,
            ...p.identifiers.map((i) => i.value),
          ]
            .filter(Boolean)
            .join(' · '),
        }))}
    />
  );
}
