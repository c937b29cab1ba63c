import type { Clock } from './context.js';

/** What a token issued by the emulator stands for. */
export interface TokenGrant {
  kind: 'worker' | 'access';
  environmentId: string;
  clientId: string;
  /** Access tokens: the user. */
  sub?: string;
  scope?: string;
  expiresAt: number;
}

/**
 * Issued tokens by value. A bearer is valid when the emulator issued it and its `exp` (by the
 * emulator's clock) is ahead; the JWT is never trusted on its own.
 */
export interface TokenRegistry {
  add(token: string, grant: TokenGrant): void;
  check(token: string | undefined, kind: TokenGrant['kind']): TokenGrant | undefined;
}

export function createTokenRegistry(clock: Clock): TokenRegistry {
  const tokens = new Map<string, TokenGrant>();
  // `check` refuses expired tokens by itself; sweeping them is only about memory, so it runs
  // once a minute rather than over every stored token on every issue (a benchmark issues 10,000).
  let nextSweep = 0;
  return {
    add(token, grant) {
      tokens.set(token, grant);
      const now = clock.now();
      if (now < nextSweep) return;
      nextSweep = now + 60_000;
      for (const [t, g] of tokens) if (g.expiresAt <= now) tokens.delete(t);
    },
    check(token, kind) {
      if (!token) return undefined;
      const grant = tokens.get(token);
      if (!grant || grant.kind !== kind || grant.expiresAt <= clock.now()) return undefined;
      return grant;
    },
  };
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
