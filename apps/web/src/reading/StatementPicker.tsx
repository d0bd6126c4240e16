/**
 * Picks statements from the library: type Chinese, pinyin initials or a code; ↑/↓ move, Enter adds the
 * highlighted entry (or the text as a free-text statement when nothing matches); categories and the user's
 * favourites (★) narrow the list. "/" anywhere on the reading page focuses the search box.
 */
import { StarFilled, StarOutlined } from '@ant-design/icons';
import { Button, Flex, Input, type InputRef, List, Select, Typography } from 'antd';
import { forwardRef, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import {
  CATEGORIES,
  type LibraryStatement,
  loadFavourites,
  saveFavourites,
  searchStatements,
} from './statementLibrary';

const SHOWN = 12;
const FAVOURITES = '__favourites';

export interface StatementPickerHandle {
  focus(): void;
}

interface Props {
  onPick: (s: LibraryStatement) => void;
  onPickFree: (text: string) => void;
  disabled?: boolean;
}

export const StatementPicker = forwardRef<StatementPickerHandle, Props>(function StatementPicker(
  { onPick, onPickFree, disabled },
  ref,
) {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const zh = i18n.language.startsWith('zh');
  const input = useRef<InputRef>(null);
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<string>();
  const [active, setActive] = useState(0);
  const [favourites, setFavourites] = useState<string[]>(() => (me ? loadFavourites(me.id) : []));
  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus() }), []);

  const results = useMemo(() => {
    if (category === FAVOURITES) return searchStatements(query).filter((s) => favourites.includes(s.code));
    return searchStatements(query, { category });
  }, [query, category, favourites]);
  const shown = results.slice(0, SHOWN);

  const toggleFavourite = (code: string) => {
    const next = favourites.includes(code) ? favourites.filter((c) => c !== code) : [...favourites, code];
    setFavourites(next);
    if (me) saveFavourites(me.id, next);
  };
  const pick = (s: LibraryStatement | undefined) => {
    if (s) onPick(s);
    else if (query.trim()) onPickFree(query.trim());
    setQuery('');
    setActive(0);
  };

  return (
    <div>
      <Flex gap={8}>
        <Input
          ref={input}
          allowClear
          disabled={disabled}
          value={query}
          placeholder={t('reading.statementSearch')}
          data-testid="statement-search"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter') pick(shown[active]);
            else if (e.key === 'Escape') setQuery('');
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <Select
          allowClear
          disabled={disabled}
          style={{ width: 140 }}
          value={category}
          onChange={setCategory}
          placeholder={t('reading.allCategories')}
          options={[
            { value: FAVOURITES, label: `★ ${t('reading.favourites')}` },
            ...CATEGORIES.map((c) => ({ value: c, label: t(`reading.category_${c}`) })),
          ]}
        />
      </Flex>
      {(query || category) && !disabled && (
        <List
          size="small"
          bordered
          style={{ marginTop: 4, maxHeight: 300, overflow: 'auto' }}
          dataSource={shown}
          locale={{
            emptyText: query.trim() ? (
              <Button size="small" onClick={() => pick(undefined)}>
                {t('reading.addFree')}: {query.trim()}
              </Button>
            ) : undefined,
          }}
          renderItem={(s, index) => (
            <List.Item
              data-testid="statement-option"
              onMouseEnter={() => setActive(index)}
              onClick={() => pick(s)}
              style={{
                cursor: 'pointer',
                background: index === active ? 'rgba(22,119,255,0.10)' : undefined,
              }}
              actions={[
                <Button
                  key="fav"
                  type="text"
                  size="small"
                  aria-label={
                    favourites.includes(s.code) ? t('reading.removeFavourite') : t('reading.addFavourite')
                  }
                  icon={
                    favourites.includes(s.code) ? (
                      <StarFilled style={{ color: '#faad14' }} />
                    ) : (
                      <StarOutlined />
                    )
                  }
                  onClick={(e) => {
                    e.stopPropagation();
                    toggleFavourite(s.code);
                  }}
                />,
              ]}
            >
              <Typography.Text>{zh ? s.textZh : s.textEn}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {s.initials} · {s.code}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
    </div>
  );
});
