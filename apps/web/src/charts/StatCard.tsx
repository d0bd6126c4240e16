/** A headline figure for dashboards: title, value, optional suffix and a click to drill down. */
import { Card, Statistic } from 'antd';
import type { ReactNode } from 'react';

export function StatCard(props: {
  title: ReactNode;
  value: number | string | null;
  suffix?: ReactNode;
  precision?: number;
  onClick?: () => void;
  testId?: string;
}) {
  return (
    <Card
      size="small"
      hoverable={!!props.onClick}
      onClick={props.onClick}
      data-testid={props.testId}
      style={{ cursor: props.onClick ? 'pointer' : undefined }}
    >
      <Statistic
        title={props.title}
        value={props.value ?? '–'}
        suffix={props.suffix}
        precision={props.precision}
      />
    </Card>
  );
}
