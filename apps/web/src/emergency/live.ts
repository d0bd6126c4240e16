/**
 * Live refresh of emergency screens: the /ws WebSocket (modules/live) pushes board events; polling every few
 * seconds stays on as the fallback and slows down while the socket is healthy.
 */
import { useEffect, useRef, useState } from 'react';

export interface BoardEvent {
  event: string;
  caseId: string;
  center?: string;
  code?: string;
  team?: string;
  level?: number;
  /** node.recorded: the node as recorded (the board shows it before its refetch answers). */
  node?: {
    id: string;
    code: string;
    instance: string | null;
    at: string | null;
    window: { from: string; to: string } | null;
    source: string;
  };
}

const POLL_MS = 5000;
const POLL_WHEN_LIVE_MS = 30000;

/**
 * Calls `refresh` on every event of the topic (that `accept` lets through) and on a timer; returns whether the
 * socket is up.
 */
export function useLiveRefresh(
  topic: string | null,
  refresh: (event?: BoardEvent) => void,
  accept?: (e: BoardEvent) => boolean,
): boolean {
  const [live, setLive] = useState(false);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const acceptRef = useRef(accept);
  acceptRef.current = accept;

  useEffect(() => {
    if (!topic) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      socket = new WebSocket(url);
      socket.onopen = () => socket?.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
      socket.onmessage = (m) => {
        try {
          const msg = JSON.parse(String(m.data));
          if (msg.type === 'subscribed') setLive(true);
          if (msg.type === 'event' && msg.topic === topic) {
            if (acceptRef.current?.(msg.payload as BoardEvent) ?? true)
              refreshRef.current(msg.payload as BoardEvent);
          }
        } catch {
          // a malformed frame is ignored; polling covers it
        }
      };
      socket.onclose = () => {
        setLive(false);
        if (!closed) retry = setTimeout(connect, 5000);
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
    const timer = setInterval(() => refreshRef.current(), live ? POLL_WHEN_LIVE_MS : POLL_MS);
    return () => clearInterval(timer);
  }, [live]);

  return live;
}
