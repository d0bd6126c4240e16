import type { Permission } from '@lifeline/shared';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler } from '../api/client';
import type { Me } from '../api/types';
import { DEFAULT_TIME_ZONE } from '../clock';

/** Why there is no session: decides whether the login page says "expired" and remembers the page. */
export type SignedOutReason = 'no-session' | 'expired' | 'logged-out';
type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason: SignedOutReason }
  | { status: 'signed-in'; me: Me };

interface AuthApi {
  state: AuthState;
  me: Me | null;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
  can(permission: Permission): boolean;
  timeZone: string;
}

const AuthContext = createContext<AuthApi | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const me = await api<Me>('/api/auth/me', { allowUnauthorized: true });
      setState({ status: 'signed-in', me });
    } catch {
      // 401 (no session) and an unreachable server both lead to the login page, which reports the latter.
      setState({ status: 'anonymous', reason: 'no-session' });
    }
  }, []);

  useEffect(() => {
    void refresh();
    // A 401 on any later call means the session ended (timeout, logout elsewhere): drop back to login and
    // let the router remember where the user was.
    setUnauthorizedHandler(() => setState({ status: 'anonymous', reason: 'expired' }));
  }, [refresh]);

  const login = useCallback(async (username: string, password: string) => {
    const { user } = await api<{ user: Me }>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
      allowUnauthorized: true,
    });
    setState({ status: 'signed-in', me: user });
    return user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api<void>('/api/auth/logout', { method: 'POST', body: {}, allowUnauthorized: true });
    } finally {
      setState({ status: 'anonymous', reason: 'logged-out' });
    }
  }, []);

  const value = useMemo<AuthApi>(() => {
    const me = state.status === 'signed-in' ? state.me : null;
    const granted = new Set(me?.permissions ?? []);
    return {
      state,
      me,
      login,
      logout,
      refresh,
      can: (permission) => granted.has(permission),
      timeZone: me?.timeZone || DEFAULT_TIME_ZONE,
    };
  }, [state, login, logout, refresh]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The organisation's time zone, for formatInstant(). */
export function useOrgTimeZone(): string {
  return useAuth().timeZone;
}
