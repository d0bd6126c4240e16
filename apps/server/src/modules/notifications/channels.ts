import nodemailer from 'nodemailer';

/**
 * Outbound notification channels: WeChat Work (企业微信) group robot, a generic HTTP webhook, an SMS gateway
 * reached through a URL template, and e-mail through the hospital's SMTP server. Each adapter is a real HTTP POST with a timeout; failures are retried with
 * exponential back-off, and every delivery (sent or failed) is recorded by the caller.
 */

export type ChannelKind = 'wecom-robot' | 'webhook' | 'sms' | 'email';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['wecom-robot', 'webhook', 'sms', 'email'];

export interface ChannelConfig {
  /** wecom-robot and webhook: where to POST. */
  url?: string;
  /** sms: e.g. `https://sms.example.cn/send?to={phone}&msg={text}`; placeholders are URL-encoded. */
  urlTemplate?: string;
  /** sms: recipients; wecom-robot: mobiles to @-mention in the group. */
  phones?: string[];
  /** Extra request headers (webhook/sms), e.g. an authorisation token of the receiving system. */
  headers?: Record<string, string>;
  /** Retries after the first attempt (default 2). */
  retries?: number;
  /** Delay before the first retry, doubled each time (default 500 ms). */
  retryDelayMs?: number;
  /** Per-attempt timeout (default 5000 ms). */
  timeoutMs?: number;
  /** email: SMTP server, sender and recipients. */
  smtpHost?: string;
  smtpPort?: number;
  /** email: TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  smtpSecure?: boolean;
  smtpUser?: string;
  smtpPass?: string;
  from?: string;
  to?: string[];
}

export interface OutboundMessage {
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  body: string;
  link?: string | null;
  resourceType?: string | null;
  resourceId?: string | null;
  organizationId: string;
  at: string;
}

export interface DeliveryOutcome {
  ok: boolean;
  attempts: number;
  error?: string;
}

/** Field-by-field problems of a channel configuration (empty when usable). */
export function channelConfigProblems(
  kind: ChannelKind,
  config: ChannelConfig,
): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  const httpUrl = (value: unknown, field: string) => {
    if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/.test(value)) {
      problems.push({ field, reason: 'must be an http(s) URL' });
    }
  };
  if (kind === 'email') {
    if (!config.smtpHost || !/^[\w.-]+$/.test(config.smtpHost))
      problems.push({ field: 'config.smtpHost', reason: 'host name or address' });
    if (
      config.smtpPort !== undefined &&
      !(Number.isInteger(config.smtpPort) && config.smtpPort > 0 && config.smtpPort < 65536)
    )
      problems.push({ field: 'config.smtpPort', reason: 'must be a port number' });
    const email = /^[^\s@]+@[^\s@]+$/;
    if (!config.from || !email.test(config.from))
      problems.push({ field: 'config.from', reason: 'must be an e-mail address' });
    if (!config.to?.length) problems.push({ field: 'config.to', reason: 'at least one recipient' });
    for (const [i, to] of (config.to ?? []).entries()) {
      if (!email.test(to)) problems.push({ field: `config.to.${i}`, reason: 'must be an e-mail address' });
    }
  } else if (kind === 'sms') {
    httpUrl(config.urlTemplate, 'config.urlTemplate');
    if (typeof config.urlTemplate === 'string' && !config.urlTemplate.includes('{text}'))
      problems.push({ field: 'config.urlTemplate', reason: 'must contain the {text} placeholder' });
    if (!config.phones?.length)
      problems.push({ field: 'config.phones', reason: 'at least one phone number' });
  } else {
    httpUrl(config.url, 'config.url');
  }
  for (const [i, phone] of (config.phones ?? []).entries()) {
    if (!/^\+?\d{5,20}$/.test(phone)) problems.push({ field: `config.phones.${i}`, reason: 'digits only' });
  }
  if (
    config.retries !== undefined &&
    (!Number.isInteger(config.retries) || config.retries < 0 || config.retries > 10)
  )
    problems.push({ field: 'config.retries', reason: 'must be an integer 0–10' });
  if (config.retryDelayMs !== undefined && !(config.retryDelayMs >= 0 && config.retryDelayMs <= 60_000))
    problems.push({ field: 'config.retryDelayMs', reason: 'must be 0–60000' });
  if (config.timeoutMs !== undefined && !(config.timeoutMs >= 100 && config.timeoutMs <= 60_000))
    problems.push({ field: 'config.timeoutMs', reason: 'must be 100–60000' });
  return problems;
}

function plainText(m: OutboundMessage): string {
  return [m.title, m.body, m.link ?? ''].filter(Boolean).join('\n');
}

interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** WeChat Work answers HTTP 200 with `errcode` ≠ 0 on failure. */
  checkWecom?: boolean;
}

/** The HTTP requests a message becomes on one channel (sms: one per phone). */
export function requestsFor(kind: ChannelKind, config: ChannelConfig, m: OutboundMessage): HttpRequest[] {
  const json = { 'content-type': 'application/json', ...(config.headers ?? {}) };
  if (kind === 'wecom-robot') {
    return [
      {
        url: config.url as string,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          msgtype: 'text',
          text: { content: plainText(m), mentioned_mobile_list: config.phones ?? [] },
        }),
        checkWecom: true,
      },
    ];
  }
  if (kind === 'webhook') return [{ url: config.url as string, headers: json, body: JSON.stringify(m) }];
  const text = `${m.title} ${m.body}`.trim();
  return (config.phones ?? []).map((phone) => ({
    url: (config.urlTemplate as string)
      .replaceAll('{phone}', encodeURIComponent(phone))
      .replaceAll('{text}', encodeURIComponent(text))
      .replaceAll('{title}', encodeURIComponent(m.title)),
    headers: { 'content-type': 'application/json', ...(config.headers ?? {}) },
    body: JSON.stringify({ phone, text }),
  }));
}

async function attempt(req: HttpRequest, timeoutMs: number): Promise<void> {
  const res = await fetch(req.url, {
    method: 'POST',
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (req.checkWecom) {
    let errcode = 0;
    try {
      errcode = Number((JSON.parse(text) as { errcode?: number }).errcode ?? 0);
    } catch {
      throw new Error('answer is not JSON');
    }
    if (errcode !== 0) throw new Error(`errcode ${errcode}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sendMail(config: ChannelConfig, m: OutboundMessage, timeoutMs: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: config.smtpHost,
    port: config.smtpPort ?? 25,
    secure: config.smtpSecure ?? false,
    ...(config.smtpUser ? { auth: { user: config.smtpUser, pass: config.smtpPass ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: `${m.severity === 'critical' ? '【危急】' : ''}${m.title}`,
      text: plainText(m),
    });
  } finally {
    transport.close();
  }
}

/** Sends a message through one channel, retrying each request; ok only when every request went through. */
export async function deliver(
  kind: ChannelKind,
  config: ChannelConfig,
  m: OutboundMessage,
): Promise<DeliveryOutcome> {
  const retries = config.retries ?? 2;
  const delay = config.retryDelayMs ?? 500;
  const timeout = config.timeoutMs ?? 5000;
  if (kind === 'email') {
    let lastError: string | undefined;
    for (let i = 0; i <= retries; i++) {
      if (i > 0) await sleep(delay * 2 ** (i - 1));
      try {
        await sendMail(config, m, timeout);
        return { ok: true, attempts: i + 1 };
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    return { ok: false, attempts: retries + 1, error: lastError };
  }
  let attempts = 0;
  let lastError: string | undefined;
  for (const req of requestsFor(kind, config, m)) {
    let sent = false;
    for (let i = 0; i <= retries && !sent; i++) {
      if (i > 0) await sleep(delay * 2 ** (i - 1));
      attempts++;
      try {
        await attempt(req, timeout);
        sent = true;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    if (!sent) return { ok: false, attempts, error: lastError };
  }
  return { ok: true, attempts };
}
