/**
 * Live refresh of the reading screens: one WebSocket to /ws (modules/live) subscribed to a topic such as
 * ecg.worklist:<org> or ecg.critical:<org>; every event calls `refresh` (and `onEvent` with its payload).
 * Polling stays on as the fallback: every 5 s while the socket is down, every 30 s while it is up, so an event
 * lost while the server's LISTEN connection reconnects is picked up anyway.
 */
import { useEffect, useRef, useState } from 'react';

const POLL_MS = 5000;
const POLL_WHEN_LIVE_MS = 30000;
const RECONNECT_MS = 5000;

export function useLiveTopic(
  topic: string | null,
  refresh: () => void,
  onEvent?: (payload: unknown) => void,
): boolean {
  const [live, setLive] = useState(false);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const eventRef = useRef(onEvent);
  eventRef.current = onEvent;

  useEffect(() => {
    if (!topic) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
      socket.onopen = () => socket?.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
      socket.onmessage = (m) => {
        let msg: { type?: string; topic?: string; payload?: unknown };
        try {
          msg = JSON.parse(String(m.data));
        } catch {
          return; // a malformed frame: polling covers it
        }
        if (msg.type === 'subscribed') {
          setLive(true);
          // Events may have been missed while connecting: catch up once.
          refreshRef.current();
        }
        if (msg.type === 'event' && msg.topic === topic) {
          eventRef.current?.(msg.payload);
          refreshRef.current();
        }
      };
      socket.onclose = () => {
        setLive(false);
        if (!closed) retry = setTimeout(connect, RECONNECT_MS);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, [topic]);

  useEffect(() => {
    if (!topic) return;
    const timer = setInterval(() => refreshRef.current(), live ? POLL_WHEN_LIVE_MS : POLL_MS);
    return () => clearInterval(timer);
  }, [live, topic]);

  return live;
}
